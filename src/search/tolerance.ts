/** How much slower a plan on fewer segments may be for `segment --at-most` to prefer it (a fraction). */
export const DEFAULT_TOLERANCE = 0.02;
