/**
 * Compiles a contract's zod schema into an expression over runtime.ts's checkers, for the browser
 * bundles (see `contractChecks()` in vite.config.ts). A kind of schema or check it does not know
 * (a `refine`, a transform) fails the build: the browser never gets a weaker check than the
 * contract's without anyone noticing.
 */

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}

interface CheckDef {
  check: string;
  error?: (issue: unknown) => unknown;
  [key: string]: unknown;
}

interface Schema {
  _zod: { def: Def };
}

export const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && '_zod' in value;

/** The runtime names an expression uses, and the regular expressions it shares. */
export class Compilation {
  readonly names = new Set<string>();
  readonly patterns = new Map<string, string>();

  /**
   * A call of a runtime checker, by its local name `$<name>` (no clash with the module's own),
   * marked pure: the checkers only build closures, so a schema the bundle never reads is dropped
   * with everything it calls, as zod's were (`manualPureFunctions` in vite.config.ts).
   */
  call(name: string, ...args: string[]): string {
    this.names.add(name);
    return `/* @__PURE__ */ $${name}(${args.join(',')})`;
  }

  pattern(pattern: RegExp): string {
    const source = pattern.toString();
    let name = this.patterns.get(source);
    if (!name) {
      name = `$re${this.patterns.size}`;
      this.patterns.set(source, name);
    }
    return name;
  }

  /** The declarations the expressions need: the runtime's checkers and the shared patterns. */
  prelude(runtime: string): string {
    const names = [...this.names].sort().map((name) => `${name} as $${name}`);
    return [
      `import { ${names.join(', ')} } from ${JSON.stringify(runtime)};`,
      ...[...this.patterns].map(([source, name]) => `const ${name} = ${source};`),
    ].join('\n');
  }
}

function message(def: CheckDef): string[] {
  const answer = def.error?.({});
  const text = typeof answer === 'string' ? answer : (answer as { message?: string })?.message;
  return text ? [JSON.stringify(text)] : [];
}

function unsupported(what: string): never {
  throw new Error(`contract checks: cannot compile ${what}; keep zod for it or teach compile.ts`);
}

function check(def: CheckDef, c: Compilation): string {
  switch (def.check) {
    case 'min_length':
      return c.call('minLen', String(def.minimum), ...message(def));
    case 'max_length':
      return c.call('maxLen', String(def.maximum), ...message(def));
    case 'string_format':
      if (!(def.pattern instanceof RegExp)) return unsupported(`format ${String(def.format)}`);
      return c.call('re', c.pattern(def.pattern), ...message(def));
    case 'greater_than':
      if (!def.inclusive) return unsupported('an exclusive minimum');
      return c.call('min', String(def.value), ...message(def));
    case 'less_than':
      if (!def.inclusive) return unsupported('an exclusive maximum');
      return c.call('max', String(def.value), ...message(def));
    case 'overwrite':
      if (/^\(?\w+\)?\s*=>\s*\w+\.trim\(\)$/.test(String(def.tx))) return c.call('trim');
      return unsupported(`the transform ${String(def.tx)}`);
    default:
      return unsupported(`the check ${def.check}`);
  }
}

/** The expression checking what `schema` checks. */
export function compile(schema: Schema, c: Compilation): string {
  const def = schema._zod.def;
  const checks = (def.checks ?? []).map((item) => check(item._zod.def, c));
  // A schema that is its own check (`z.email()`, `z.iso.datetime()`, `z.int()`) runs it first.
  const own =
    typeof def.check === 'string' && def.type === 'string'
      ? [check(def as unknown as CheckDef, c)]
      : [];
  switch (def.type) {
    case 'string':
      return c.call('str', ...own, ...checks);
    case 'number':
      if (def.format !== 'safeint') return unsupported(`the number format ${String(def.format)}`);
      return c.call('int', ...checks);
    case 'boolean':
      return c.call('bool', ...checks);
    case 'unknown':
      return c.call('unknown');
    case 'enum':
      if (checks.length) return unsupported('checks on an enum');
      return c.call('oneOf', JSON.stringify(Object.values(def.entries as object)));
    case 'literal':
      if (checks.length) return unsupported('checks on a literal');
      return c.call('oneOf', JSON.stringify(def.values));
    case 'optional':
      return c.call('opt', compile(def.innerType as Schema, c));
    case 'array':
      if (checks.length) return unsupported('checks on an array');
      return c.call('arr', compile(def.element as Schema, c));
    case 'record': {
      const key = (def.keyType as Schema)._zod.def;
      if (key.type !== 'string' || key.checks?.length)
        return unsupported('a record key other than z.string()');
      return c.call('rec', compile(def.valueType as Schema, c));
    }
    case 'object': {
      if (checks.length) return unsupported('checks on an object');
      const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
      if (catchall && catchall !== 'never')
        return unsupported(`an object with a ${catchall} catchall`);
      const shape = Object.entries(def.shape as Record<string, Schema>)
        .map(([key, value]) => `${JSON.stringify(key)}:${compile(value, c)}`)
        .join(',');
      return c.call('obj', `{${shape}}`, ...(catchall === 'never' ? ['1'] : []));
    }
    default:
      return unsupported(`z.${def.type}()`);
  }
}
