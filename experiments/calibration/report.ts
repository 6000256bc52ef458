import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatError } from '../../src/errors';
import { generateReport, REPORT_DIR } from '../../src/calibrate/generate';

/**
 * `npm run calibration-report`: regenerates the calibration report from ../shared into
 * results/calibration/; `npm run calibration-report -- --update` replaces the committed copy,
 * experiments/calibration/report.{md,json}.
 */
export function reportDir(argv: readonly string[], root: string): string | undefined {
  const unknown = argv.filter((a) => a !== '--update');
  if (unknown.length > 0) return undefined;
  return argv.includes('--update') ? REPORT_DIR : path.join(root, 'results', 'calibration');
}

if (require.main === module) {
  const dir = reportDir(process.argv.slice(2), path.resolve(__dirname, '../..'));
  if (dir === undefined) {
    process.stderr.write('calibration-report: usage: npm run calibration-report [-- --update]  (--update: replace experiments/calibration/report.{md,json})\n');
    process.exitCode = 2;
  } else {
    const shared = path.resolve(__dirname, '../../../shared');
    const result = generateReport(shared);
    if (E.isLeft(result)) {
      process.stderr.write(`calibration-report: ${formatError(result.left)}\n`);
      process.exitCode = 2;
    } else {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'report.md'), result.right.markdown);
      fs.writeFileSync(path.join(dir, 'report.json'), result.right.json);
      const missed = result.right.report.targets.filter((t) => !t.pass);
      process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(dir, 'report.md'))} and report.json: `
        + `${result.right.report.targets.length - missed.length}/${result.right.report.targets.length} targets met\n`);
      for (const t of missed) process.stdout.write(`  missed: ${t.what}\n`);
    }
  }
}
