import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `<where>/<name>.js`, a strategy plug-in whose search runs `body` (it may loop, throw or exit). */
export function pluginModule(where: string, name: string, body: string): string {
  const file = path.join(where, `${name}.js`);
  fs.writeFileSync(file, `exports.strategy = { name: ${JSON.stringify(name)}, description: 'test plug-in', options: { decode: (u) => ({ _tag: 'Right', right: u ?? {} }) }, search: (p) => { ${body} } };\n`);
  return file;
}
