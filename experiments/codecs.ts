import * as t from 'io-ts';
import * as E from 'fp-ts/Either';

/**
 * io-ts building blocks whose failures read well once a path is put in front of them:
 * every failure carries a message "expected <what>", and records reject unknown fields.
 */

const show = (u: unknown): string => {
  if (u === undefined) return 'nothing';
  const s = JSON.stringify(u);
  return s === undefined ? String(u) : s.length > 60 ? s.slice(0, 57) + '...' : s;
};

/** A failure message in the one shape the reporter prints after the path. */
export const expected = (what: string, u: unknown): string => `expected ${what}, got ${show(u)}`;

/** A primitive check with a human description. */
export function refined<A>(what: string, is: (u: unknown) => u is A): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(what, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c, expected(what, u))), t.identity);
}

export const positiveInt = refined('a positive integer', (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0);
export const nonNegativeInt = refined('a non-negative integer', (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0);
export const positiveNumber = refined('a positive number', (u): u is number => typeof u === 'number' && Number.isFinite(u) && u > 0);
export const nonEmptyString = refined('a non-empty string', (u): u is string => typeof u === 'string' && u.trim() !== '');
export const scalar = refined('a number or a string', (u): u is number | string =>
  (typeof u === 'number' && Number.isFinite(u)) || (typeof u === 'string' && u !== ''));
export const slug = refined('a name of letters, digits, "-" or "_"', (u): u is string => typeof u === 'string' && /^[A-Za-z0-9_-]+$/.test(u));

export function oneOf<A extends string>(values: readonly A[]): t.Type<A, A, unknown> {
  return refined(`one of ${values.map((v) => `"${v}"`).join(', ')}`, (u): u is A => typeof u === 'string' && (values as readonly string[]).includes(u));
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** A list; `nonEmpty` rejects []. Item failures keep their index in the path. */
export function list<C extends t.Mixed>(item: C, nonEmpty = false): t.Type<t.TypeOf<C>[], t.TypeOf<C>[], unknown> {
  const what = nonEmpty ? 'a non-empty list' : 'a list';
  return new t.Type<t.TypeOf<C>[], t.TypeOf<C>[], unknown>(
    what,
    (u): u is t.TypeOf<C>[] => Array.isArray(u) && u.every((x) => item.is(x)),
    (u, c) => {
      if (!Array.isArray(u) || (nonEmpty && u.length === 0)) return t.failure(u, c, expected(what, u));
      const errors: t.Errors = [];
      const out: t.TypeOf<C>[] = [];
      u.forEach((x, i) => {
        const r = item.validate(x, t.appendContext(c, String(i), item, x));
        if (E.isLeft(r)) errors.push(...r.left);
        else out.push(r.right);
      });
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
}

type Props = Record<string, t.Mixed>;
type StrictOf<R extends Props, O extends Props> = { [K in keyof R]: t.TypeOf<R[K]> } & { [K in keyof O]?: t.TypeOf<O[K]> };

/** An object with required and optional fields; any other field is a failure naming the allowed ones. */
export function record<R extends Props, O extends Props>(what: string, required: R, optional: O): t.Type<StrictOf<R, O>, StrictOf<R, O>, unknown> {
  const allowed = [...Object.keys(required), ...Object.keys(optional)];
  return new t.Type<StrictOf<R, O>, StrictOf<R, O>, unknown>(
    what,
    (u): u is StrictOf<R, O> => isRecord(u),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c, expected(what, u));
      const errors: t.Errors = [];
      const out: Record<string, unknown> = {};
      for (const [k, codec] of Object.entries({ ...required, ...optional })) {
        const v = u[k];
        if (v === undefined) {
          if (k in required) errors.push({ value: v, context: t.appendContext(c, k, codec, v), message: `missing (${codec.name})` });
          continue;
        }
        const r = codec.validate(v, t.appendContext(c, k, codec, v));
        if (E.isLeft(r)) errors.push(...r.left);
        else out[k] = r.right;
      }
      for (const k of Object.keys(u)) {
        if (!allowed.includes(k)) {
          errors.push({ value: u[k], context: t.appendContext(c, k, t.unknown, u[k]), message: `unknown field (allowed: ${allowed.join(', ')})` });
        }
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as StrictOf<R, O>);
    },
    t.identity,
  );
}

/** A map from names to values of one codec. */
export function dictionary<C extends t.Mixed>(what: string, value: C): t.Type<Record<string, t.TypeOf<C>>, Record<string, t.TypeOf<C>>, unknown> {
  return new t.Type<Record<string, t.TypeOf<C>>, Record<string, t.TypeOf<C>>, unknown>(
    what,
    (u): u is Record<string, t.TypeOf<C>> => isRecord(u),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c, expected(what, u));
      const errors: t.Errors = [];
      const out: Record<string, t.TypeOf<C>> = {};
      for (const [k, v] of Object.entries(u)) {
        const r = value.validate(v, t.appendContext(c, k, value, v));
        if (E.isLeft(r)) errors.push(...r.left);
        else out[k] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
}

/**
 * A union decided by the input's JS shape (array, object, or anything else), so a failure
 * reports the one branch the user meant instead of every branch io-ts tried.
 */
export function byShape<S extends t.Mixed, A extends t.Mixed, O extends t.Mixed>(
  what: string,
  branches: { scalar: S; array?: A; object?: O },
): t.Type<t.TypeOf<S> | t.TypeOf<A> | t.TypeOf<O>, t.TypeOf<S> | t.TypeOf<A> | t.TypeOf<O>, unknown> {
  type T = t.TypeOf<S> | t.TypeOf<A> | t.TypeOf<O>;
  const pick = (u: unknown): t.Mixed => (Array.isArray(u) ? branches.array : isRecord(u) ? branches.object : undefined) ?? branches.scalar;
  return new t.Type<T, T, unknown>(what, (u): u is T => pick(u).is(u), (u, c) => pick(u).validate(u, c) as t.Validation<T>, t.identity);
}

/** `a.b[2].c: message` for every failure; one line each, in input order, without repeats. */
export function reportPaths(errors: t.Errors): string[] {
  const lines = errors.map((e) => {
    const keys = e.context.slice(1).map((entry) => entry.key);
    const pathText = keys.reduce((acc, k) => (/^\d+$/.test(k) ? `${acc}[${k}]` : acc === '' ? k : `${acc}.${k}`), '');
    const message = e.message ?? expected(e.context[e.context.length - 1]?.type.name ?? 'a valid value', e.value);
    return `${pathText === '' ? '(top level)' : pathText}: ${message}`;
  });
  return [...new Set(lines)];
}
