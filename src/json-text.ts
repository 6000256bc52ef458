import * as E from 'fp-ts/Either';
import { MAX_JSON_DEPTH } from './limits';

/**
 * JSON text parsed, its nesting bounded first: JSON.parse takes 200,000 nested `[`, but any
 * recursive walk of the value after it (a decoder, JSON.stringify in an error message) overflows
 * the stack. The Left is the reason.
 */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH): E.Either<string, unknown> {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return E.left(`not valid JSON: nested more than ${maxDepth} levels deep (at character ${i})`);
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (e) {
    return E.left(`not valid JSON: ${(e as Error).message}`);
  }
}
