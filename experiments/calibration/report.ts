import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatError } from '../../src/errors';
import { generateReport, REPORT_DIR } from '../../src/calibrate/generate';

// `npm run calibration-report`: regenerates experiments/calibration/report.{md,json} from ../shared.
const shared = path.resolve(__dirname, '../../../shared');
const result = generateReport(shared);
if (E.isLeft(result)) {
  process.stderr.write(`calibration-report: ${formatError(result.left)}\n`);
  process.exitCode = 2;
} else {
  fs.writeFileSync(path.join(REPORT_DIR, 'report.md'), result.right.markdown);
  fs.writeFileSync(path.join(REPORT_DIR, 'report.json'), result.right.json);
  const missed = result.right.report.targets.filter((t) => !t.pass);
  process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(REPORT_DIR, 'report.md'))} and report.json: `
    + `${result.right.report.targets.length - missed.length}/${result.right.report.targets.length} targets met\n`);
  for (const t of missed) process.stdout.write(`  missed: ${t.what}\n`);
}
