/**
 * Built-in profiles, in cost-models/profiles/<name>.json, and the default: a module of its own so
 * the CLI can name them in its help without loading the cost model.
 */
export const PROFILE_NAMES: readonly string[] = ['edgetpu-usb3', 'edgetpu-pcie', 'edgetpu-ucm-bench'];
export const DEFAULT_PROFILE = 'edgetpu-usb3';
