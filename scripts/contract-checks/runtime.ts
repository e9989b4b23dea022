/**
 * The contract checks the browser bundles run instead of zod: small checkers that the build
 * composes from the contracts' zod schemas (compile.ts), answering `safeParse` as zod does — the
 * same `success`, `data` and issues (`code`, `path`, `message`) — for the kinds the widgets parse.
 *
 * By hand rather than a schema library: zod/mini with the schemas costs ≈ 7 KB gzip in every
 * bundle, these ≈ 1 KB; and generated from the contracts at build time, so the contracts stay the
 * one source (test/contracts/contract-checks.test.ts holds both to the same answers).
 */

export interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
}

/** Checks `value` at `path`, adding what is wrong to `issues`; answers the value parsed. */
export type Checker = ((value: unknown, path: PropertyKey[], issues: Issue[]) => unknown) & {
  optional?: true;
  /** A length check: zod runs it on anything with a `length`, even after the type was refused. */
  anyLength?: true;
};

export type SafeParse<T = unknown> =
  | { success: true; data: T; error?: undefined }
  | { success: false; data?: undefined; error: { issues: Issue[] } };

const INVALID = 'Invalid input';

function fail(issues: Issue[], code: string, path: PropertyKey[], message = INVALID): false {
  issues.push({ code, path: [...path], message });
  return false;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `z.string()` and its checks, run in order, all of them, as zod does; on a value that is not a
 * string, only the length checks, and only when it has a `length` (zod's own quirk, kept so
 * both answer alike).
 */
export const str =
  (...checks: Checker[]): Checker =>
  (value, path, issues) => {
    const string = typeof value === 'string' || fail(issues, 'invalid_type', path);
    for (const check of checks) {
      if (
        string ||
        (check.anyLength && (value as { length?: unknown } | null)?.length !== undefined)
      )
        value = check(value, path, issues);
    }
    return value;
  };

/** A length check; `length` may be anything (see `str`), so the comparison is zod's. */
const lengthCheck = (test: (length: number) => boolean, code: string, message?: string): Checker =>
  Object.assign(
    (value: unknown, path: PropertyKey[], issues: Issue[]) => {
      if (!test((value as { length: number }).length)) fail(issues, code, path, message);
      return value;
    },
    { anyLength: true as const },
  );

export const minLen = (n: number, message?: string): Checker =>
  lengthCheck((length) => length >= n, 'too_small', message);

export const maxLen = (n: number, message?: string): Checker =>
  lengthCheck((length) => length <= n, 'too_big', message);

export const re =
  (pattern: RegExp, message?: string): Checker =>
  (value, path, issues) => {
    pattern.lastIndex = 0;
    if (!pattern.test(value as string)) fail(issues, 'invalid_format', path, message);
    return value;
  };

export const trim = (): Checker => (value) => (value as string).trim();

/** `z.int()`: an integer (else nothing more is checked), in the safe range, then its checks. */
export const int =
  (...checks: Checker[]): Checker =>
  (value, path, issues) => {
    if (!Number.isInteger(value)) return fail(issues, 'invalid_type', path) || value;
    if (!Number.isSafeInteger(value))
      fail(issues, (value as number) > 0 ? 'too_big' : 'too_small', path);
    for (const check of checks) value = check(value, path, issues);
    return value;
  };

export const min =
  (n: number, message?: string): Checker =>
  (value, path, issues) => (
    (value as number) >= n || fail(issues, 'too_small', path, message),
    value
  );

export const max =
  (n: number, message?: string): Checker =>
  (value, path, issues) => (
    (value as number) <= n || fail(issues, 'too_big', path, message),
    value
  );

export const bool = (): Checker => (value, path, issues) => (
  typeof value === 'boolean' || fail(issues, 'invalid_type', path),
  value
);

export const unknown = (): Checker => (value) => value;

/** `z.enum()` and `z.literal()`: one of these values. */
export const oneOf =
  (values: readonly unknown[]): Checker =>
  (value, path, issues) => (values.includes(value) || fail(issues, 'invalid_value', path), value);

export const opt = (inner: Checker): Checker =>
  Object.assign(
    (value: unknown, path: PropertyKey[], issues: Issue[]) =>
      value === undefined ? value : inner(value, path, issues),
    { optional: true as const },
  );

/** `z.object()` (unknown keys dropped) or, `strict`, `z.strictObject()` (unknown keys refused). */
export const obj =
  (shape: Record<string, Checker>, strict?: 1): Checker =>
  (value, path, issues) => {
    if (!isObject(value)) return fail(issues, 'invalid_type', path) || value;
    const out: Record<string, unknown> = {};
    for (const key in shape) {
      const check = shape[key]!;
      if (!(key in value) && check.optional) continue;
      path.push(key);
      const parsed = check(value[key], path, issues);
      path.pop();
      if (key in value || parsed !== undefined) out[key] = parsed;
    }
    if (strict && Object.keys(value).some((key) => !(key in shape)))
      fail(issues, 'unrecognized_keys', path);
    return out;
  };

export const arr =
  (element: Checker): Checker =>
  (value, path, issues) => {
    if (!Array.isArray(value)) return fail(issues, 'invalid_type', path) || value;
    return value.map((item: unknown, index) => {
      path.push(index);
      const parsed = element(item, path, issues);
      path.pop();
      return parsed;
    });
  };

/** `z.record(z.string(), value)`: a plain object, every value checked. */
export const rec =
  (item: Checker): Checker =>
  (value, path, issues) => {
    const proto: unknown = isObject(value) ? Object.getPrototypeOf(value) : undefined;
    if (!isObject(value) || (proto !== Object.prototype && proto !== null))
      return fail(issues, 'invalid_type', path) || value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      path.push(key);
      out[key] = item(value[key], path, issues);
      path.pop();
    }
    return out;
  };

/** What a contract module exports in place of a zod schema: its `safeParse`. */
export const schema = (check: Checker) => ({
  safeParse(value: unknown): SafeParse {
    const issues: Issue[] = [];
    const data = check(value, [], issues);
    return issues.length ? { success: false, error: { issues } } : { success: true, data };
  },
});
