import type { Budget } from '../../strategies/types';

/** A budget that expires `timeMs` after its creation (performance.now: search timing only). */
export function timeBudget(timeMs: number): Budget {
  const end = performance.now() + timeMs;
  return { timeMs, expired: () => performance.now() > end };
}

export const unlimited: Budget = { timeMs: Infinity, expired: () => false };
