import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatError } from '../../src/errors';
import { generateReport, REPORT_DIR } from '../../src/calibrate/generate';
import { BATCH_FIGURE } from '../../src/calibrate/markdown';
import type { BatchCurve } from '../../src/calibrate/report';
import { FONT, renderSvg, SCHEMA, type VlSpec } from '../../src/report/figures';

/** The batch figure: predicted ms per input against B (log axis), one line per configuration. */
export function batchSpec(curves: readonly BatchCurve[], profile: string): VlSpec {
  return {
    $schema: SCHEMA, ...FONT, width: 520, height: 300,
    title: {
      text: 'Predicted ms per input against the batch size',
      subtitle: [`${[...new Set(curves.map((c) => c.spec))].join(', ')}, the compiler's split, pycoral's runner, profile ${profile}`, 'B = 1: the single-input latency'],
    },
    data: { values: curves.flatMap((c) => c.points.map((p) => ({ configuration: `${c.tpus} TPUs, ${c.freshRunner ? 'fresh runner' : 'warm runner'}`, B: p.batch, ms: Number(p.ms.toFixed(3)) }))) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'B', type: 'quantitative', scale: { type: 'log', domain: [1, 500] }, title: 'inputs per batch (B)' },
      y: { field: 'ms', type: 'quantitative', title: 'ms per input' },
      color: { field: 'configuration', type: 'nominal', legend: { orient: 'right', labelLimit: 300 } },
    },
  };
}

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
      const { batchCurves, benchProfile } = result.right.report;
      if (batchCurves.length > 0) void renderSvg(batchSpec(batchCurves, benchProfile)).then((svg) => fs.writeFileSync(path.join(dir, BATCH_FIGURE), svg));
      const missed = result.right.report.targets.filter((t) => !t.pass);
      process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(dir, 'report.md'))} and report.json: `
        + `${result.right.report.targets.length - missed.length}/${result.right.report.targets.length} targets met\n`);
      for (const t of missed) process.stdout.write(`  missed: ${t.what}\n`);
    }
  }
}
