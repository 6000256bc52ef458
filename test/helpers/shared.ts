import * as fs from 'node:fs';
import * as path from 'node:path';

/** ../shared beside the checkout: real models and measurements. Tests that need it skip cleanly without it. */
export const SHARED = path.resolve(__dirname, '../../../shared');
export const hasShared = fs.existsSync(path.join(SHARED, 'models', 'MODELS.md'));
export const sharedPath = (...parts: string[]): string => path.join(SHARED, ...parts);
export const describeShared: jest.Describe = hasShared ? describe : describe.skip;
