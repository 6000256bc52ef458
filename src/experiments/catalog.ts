/**
 * What config expansion needs to know about the rest of the toolkit, as plain functions so
 * expansion stays pure and testable. `liveCatalog` (catalog-live.ts) wires in the real registries.
 */
export interface Catalog {
  /** Every zoo model name (for `zoo:*` and for checking `zoo:NAME`). */
  zooNames(): readonly string[];
  /**
   * Checks that a model spec can be loaded, without doing the work of a cell where possible.
   * Returns the problem as one line, or undefined when the spec is fine.
   */
  checkModel(spec: string): string | undefined;
  /** Problems with a strategy and its options: each `[path under the entry, message]`; [] when fine. Module paths come resolved against the config's folder; a plug-in gets `limitMs` (the config's budget) to load and decode. */
  checkStrategy(name: string, options: Readonly<Record<string, unknown>>, limitMs?: number): readonly (readonly [string, string])[];
  /** A plug-in module's own name (the default label of its cells), when it has loaded; undefined for the rest. */
  strategyName?(path: string, limitMs?: number): string | undefined;
  /** The problem with a profile name or path, or undefined when it loads. */
  checkProfile(nameOrPath: string): string | undefined;
}
