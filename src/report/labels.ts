/**
 * Label placement for a figure's point labels, done here so that no label overprints another, a
 * point or the edge of the plot (beyond which sit the axes and the legend): labels in order of
 * priority, each at the first of rings of candidate positions around its point whose box is free
 * (of labels and obstacles; of the points too when one is); a label with no free candidate is left
 * off the figure (the caller says so). Pixel coordinates,
 * y downwards. Text widths are estimated from Helvetica/Arial/DejaVu advance widths, rounded up.
 */

export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface LabelRequest {
  /** The point the label names, in pixels. */
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

export interface PlacedLabel {
  /** Index of the request. */
  readonly index: number;
  /** The label's left end and vertical middle (text drawn align left, baseline middle). */
  readonly x: number;
  readonly y: number;
  readonly box: Box;
  /** The label sits away from its point: draw a leader line to it. */
  readonly leader: boolean;
}

export interface PlacementOptions {
  readonly width: number;
  readonly height: number;
  readonly fontSize: number;
  /** Boxes no label may cover besides the other labels. */
  readonly obstacles?: readonly Box[];
  /** Boxes a label covers only when no other candidate is free (the points). */
  readonly avoid?: readonly Box[];
}

/** Advance widths in em, generous for the fonts a browser may substitute for Helvetica. */
const NARROW = new Set([...'iljtfrI.,:;!|\'()[] ']);
const WIDE = new Set([...'mwMWGOQD@%']);
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += NARROW.has(ch) ? 0.36 : WIDE.has(ch) ? 0.92 : /[A-Z]/.test(ch) ? 0.72 : 0.62;
  return em * fontSize + 2;
}

export const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Candidate offsets of a label's box from its point, nearest first: right, left, above, below, the diagonals, then farther out. */
function candidates(px: number, py: number, w: number, h: number): { box: Box; leader: boolean }[] {
  const out: { box: Box; leader: boolean }[] = [];
  for (const [r, leader] of [[5, false], [14, true], [26, true]] as const) {
    const at = (x0: number, yMid: number): void => void out.push({ box: { x0, y0: yMid - h / 2, x1: x0 + w, y1: yMid + h / 2 }, leader });
    at(px + r, py);
    at(px - r - w, py);
    at(px - w / 2, py - r - h / 2);
    at(px - w / 2, py + r + h / 2);
    at(px + r * 0.7, py - r * 0.7 - h / 2);
    at(px + r * 0.7, py + r * 0.7 + h / 2);
    at(px - r * 0.7 - w, py - r * 0.7 - h / 2);
    at(px - r * 0.7 - w, py + r * 0.7 + h / 2);
  }
  return out;
}

/** Places the labels in the order given (first: most wanted); returns those placed, by request index. */
export function placeLabels(requests: readonly LabelRequest[], o: PlacementOptions): PlacedLabel[] {
  const h = o.fontSize * 1.25;
  const taken: Box[] = [...(o.obstacles ?? [])];
  const placed: PlacedLabel[] = [];
  requests.forEach((r, index) => {
    const w = textWidth(r.text, o.fontSize);
    const open = candidates(r.x, r.y, w, h).filter(({ box }) =>
      box.x0 >= 0 && box.y0 >= 0 && box.x1 <= o.width && box.y1 <= o.height && !taken.some((t) => overlaps(t, box)));
    const free = open.find(({ box }) => !(o.avoid ?? []).some((t) => overlaps(t, box))) ?? open[0];
    if (free === undefined) return;
    taken.push(free.box);
    placed.push({ index, x: free.box.x0, y: (free.box.y0 + free.box.y1) / 2, box: free.box, leader: free.leader });
  });
  return placed;
}
