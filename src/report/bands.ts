import { bandRests, THIN_BAND_ROWS } from '../../cost-models/bands';
import { distinct, type Row } from './data';
import type { ReportInput } from './section';
import type { Table } from './format';

/**
 * What the 80% bands of a report's cells rest on: per profile and regime, the band, how many
 * cells carry it, and the calibration rows it comes from, flagged when they are another
 * profile's (borrowed) or fewer than THIN_BAND_ROWS (thin); then each profile's speedup band.
 */
export function bandsBlock(input: ReportInput): { caption: string; table: Table } | undefined {
  const ok = input.rows.filter((r) => r.regime !== undefined);
  if (ok.length === 0) return undefined;
  const key = (r: Row): string => `${r.profile}\u0000${r.regime}`;
  const rows = distinct(ok.map(key)).map((k) => {
    const mine = ok.filter((r) => key(r) === k);
    const { profile, regime, band } = mine[0]!;
    return [profile, `time: ${regime}`, mine.length, band === undefined ? 'none' : `${band.lo}-${band.hi}`,
      band === undefined ? `no calibration rows in this regime` : bandRests(band.rows, 'calibration rows', band.from, profile)];
  });
  const ratios = distinct(ok.map((r) => r.profile)).flatMap((p) => {
    const b = input.ratioBands?.get(p);
    const cells = ok.filter((r) => r.profile === p && input.speedups.get(r.id)?.overCompilerLow !== undefined).length;
    return b === undefined || cells === 0 ? [] : [[p, "speedup over the compiler's split", cells, `${b.lo}-${b.hi}`, bandRests(b.pairs, `pairs of ${b.against} and compiler splits`, b.from, p)]];
  });
  return {
    caption: `What the 80% bands rest on (thin: fewer than ${THIN_BAND_ROWS} rows; borrowed: another profile's rows)`,
    table: { columns: ['profile', 'band of', 'cells', 'measured / predicted', 'rests on'], rows: [...rows, ...ratios] },
  };
}
