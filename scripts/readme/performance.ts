import { formatReference, formatTarget, formatValue, met, toReference, toTarget, type BenchResults } from '../../bench/figures';

/**
 * The README's performance section from bench/results.json, the figures the last `npm run bench`
 * measured (the bench is never rerun to write the README).
 */
export function performanceSection(r: BenchResults): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = r.figures.map((f) => {
    const ref = toReference(f);
    return `| ${cell(f.what)} | ${formatValue(f.value, f.unit)} | ${cell(formatTarget(f))} | ${toTarget(f).toFixed(2)} | ${cell(formatReference(f))}${ref !== undefined ? ` (${ref.toFixed(2)})` : ''} | ${met(f) ? 'met' : '**not met**'} |`;
  });
  return [
    `Measured by \`npm run bench\` on ${r.started.slice(0, 10)}: ${r.cpus} CPUs shared with other work, load average ${r.loadStart} at the start and ${r.loadEnd} at the end, Node ${r.node}. Medians; each figure's reference was measured alongside it, interleaved, so both saw the same load. Ratio = measured / target.`,
    '',
    '| figure | measured | target | ratio | reference (measured / reference) | |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
    '',
    ...r.figures.map((f) => `- ${f.what}: ${f.note}.`),
  ].join('\n');
}
