import * as fs from 'node:fs';
import * as path from 'node:path';

/** ../shared beside the checkout: real models and measurements. Tests that need it skip cleanly without it. */
export const SHARED = path.resolve(__dirname, '../../../shared');
export const hasShared = fs.existsSync(path.join(SHARED, 'models', 'MODELS.md'));
export const sharedPath = (...parts: string[]): string => path.join(SHARED, ...parts);

/** What a test that reads ../shared needs, as skipped tests name it. */
export const NEEDS_SHARED = '../shared beside the checkout (real models and measurements)';

/**
 * `describe` when what it needs is present; otherwise one skipped placeholder whose titles say
 * what is missing (jest lists skipped tests by title), and the body is never called (jest runs a
 * `describe.skip` body, so a body that reads a shared file would still fail).
 */
export function describeWhen(present: boolean, need = NEEDS_SHARED): (name: string, body: () => void) => void {
  return present ? describe : (name) => describe.skip(`${name} (needs ${need})`, () => it.skip('is skipped', () => undefined));
}

/** ` (needs WHAT)` for the title of a test skipped when `present` is false, else nothing. */
export const needsTitle = (present: boolean, need = NEEDS_SHARED): string => (present ? '' : ` (needs ${need})`);

export const describeShared = describeWhen(hasShared);
