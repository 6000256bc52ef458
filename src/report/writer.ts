import * as path from 'node:path';
import { makeDirBelow, writeFileSafe } from '../safe-write';
import { renderSvg, type VlSpec } from './figures';
import { renderHtml, type HtmlBlock } from './html';

/** Writes the files of one report directory, recording each one's path relative to it. */
export interface ReportWriter {
  readonly files: readonly string[];
  write(rel: string, text: string): void;
  /** figures/NAME.svg and the vega-lite spec it is drawn from, figures/NAME.vl.json. */
  figure(name: string, spec: VlSpec): Promise<void>;
  /** index.html: the title as its heading, then the body. */
  page(title: string, body: readonly HtmlBlock[]): void;
}

export function reportWriter(outDir: string): ReportWriter {
  makeDirBelow(outDir, 'figures');
  const files: string[] = [];
  const write = (rel: string, text: string): void => {
    writeFileSafe(path.join(outDir, rel), text);
    files.push(rel);
  };
  return {
    files,
    write,
    async figure(name, spec) {
      write(`figures/${name}.svg`, await renderSvg(spec));
      write(`figures/${name}.vl.json`, JSON.stringify(spec, null, 1) + '\n');
    },
    page(title, body) {
      write('index.html', renderHtml({ title, blocks: [{ kind: 'heading', level: 1, text: title }, ...body] }));
    },
  };
}
