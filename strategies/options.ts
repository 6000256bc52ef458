import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { count, MAX_TASKS } from '../src/limits';

/**
 * An options codec for a strategy: accepts `undefined` or an object holding any subset of
 * `props` (unknown keys are rejected, so typos do not pass silently) and fills the rest from
 * `defaults`. Failures carry the key and the offending value in their message.
 */
export function optionsCodec<P extends t.Props>(name: string, props: P, defaults: t.TypeOf<t.TypeC<P>>): t.Type<t.TypeOf<t.TypeC<P>>, t.TypeOf<t.TypeC<P>>, unknown> {
  const partial = t.partial(props);
  return new t.Type<t.TypeOf<t.TypeC<P>>, t.TypeOf<t.TypeC<P>>, unknown>(
    `${name}Options`,
    (u): u is t.TypeOf<t.TypeC<P>> => t.type(props).is(u),
    (u, c) => {
      if (u === undefined || u === null) return t.success({ ...defaults });
      if (typeof u !== 'object' || Array.isArray(u)) return t.failure(u, c, `${name} options must be an object`);
      const unknownKeys = Object.keys(u).filter((k) => !(k in props));
      if (unknownKeys.length > 0) {
        return t.failure(u, c, `${name}: unknown option ${unknownKeys.map((k) => `"${k}"`).join(', ')} (known: ${Object.keys(props).join(', ')})`);
      }
      const r = partial.validate(u, c);
      if (E.isLeft(r)) return r;
      const merged: Record<string, unknown> = { ...defaults };
      for (const [k, v] of Object.entries(r.right)) if (v !== undefined) merged[k] = v;
      return t.success(merged as t.TypeOf<t.TypeC<P>>);
    },
    t.identity,
  );
}

/** Readable one-line messages for a failed options decode. */
export function optionErrors(name: string, errors: t.Errors): string[] {
  return errors.map((e) => {
    if (e.message) return e.message;
    const key = e.context.map((c) => c.key).filter((k) => k !== '').join('.');
    return `${name}: option ${key || '(root)'} = ${JSON.stringify(e.value)} is not ${e.context[e.context.length - 1]?.type.name ?? 'a valid value'}`;
  });
}

/** An integer codec from 1 to `max`; the bound is part of its name, so failures state it. */
export function intUpTo(max: number): t.Type<number, number, unknown> {
  const is = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u > 0 && u <= max;
  return new t.Type<number, number, unknown>(`an integer from 1 to ${count(max)}`, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);
}

/** A positive integer codec (io-ts's Int admits negatives and zero). */
export const PositiveInt = intUpTo(Number.MAX_SAFE_INTEGER);

/** Restarts of a strategy: each is one pool task. */
export const Restarts = intUpTo(MAX_TASKS);

/** A finite non-negative number codec. */
export const NonNegative = new t.Type<number, number, unknown>(
  'a finite non-negative number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isFinite(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);
