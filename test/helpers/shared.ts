import * as fs from 'node:fs';
import * as path from 'node:path';

/** ../shared beside the checkout: real models and measurements. Tests that need it skip cleanly without it. */
export const SHARED = path.resolve(__dirname, '../../../shared');
export const hasShared = fs.existsSync(path.join(SHARED, 'models', 'MODELS.md'));
export const sharedPath = (...parts: string[]): string => path.join(SHARED, ...parts);

/**
 * `describe` when ../shared is present; otherwise one skipped placeholder, and the body is never
 * called (jest runs a `describe.skip` body, so a body that reads a shared file would still fail).
 */
export function describeWhen(present: boolean): (name: string, body: () => void) => void {
  return present ? describe : (name) => describe.skip(name, () => it.skip('needs ../shared', () => undefined));
}

export const describeShared = describeWhen(hasShared);
