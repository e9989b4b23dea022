/**
 * The contract checks the browser bundles run (scripts/contract-checks/, compiled from the zod
 * schemas at build time) answer every input as zod does: the same success, the same data, the
 * same issues (code, path, message). Valid answers and inputs of the widgets, then thousands of
 * them broken at random places in random ways.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as runtime from '../../scripts/contract-checks/runtime.ts';
import { Compilation, compile, isSchema } from '../../scripts/contract-checks/compile.ts';
import * as account from '../../contracts/v1/account.ts';
import * as common from '../../contracts/v1/common.ts';
import * as onboarding from '../../contracts/v1/onboarding.ts';
import * as quote from '../../contracts/v1/quote.ts';
import * as reference from '../../contracts/v1/reference.ts';
import {
  DEMO_ADDRESS,
  DEMO_BILLING,
  DEMO_COMPANY,
  DEMO_CONTACT,
  demoAccount,
} from '../../contracts/fixtures/demo.ts';

type Parse = (value: unknown) => {
  success: boolean;
  data?: unknown;
  error?: { issues: unknown[] };
};

/** The compiled check of a schema, evaluated over the runtime as the bundle does. */
function compiled(schema: unknown): Parse {
  const c = new Compilation();
  const expression = compile(schema as never, c);
  const patterns = [...c.patterns].map(([source, name]) => `const ${name} = ${source};`).join('\n');
  const names = Object.keys(runtime);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own compiler's output
  const make = new Function(
    ...names.map((name) => `$${name}`),
    `${patterns}\nreturn $schema(${expression});`,
  ) as (...args: unknown[]) => { safeParse: Parse };
  return make(...names.map((name) => (runtime as Record<string, unknown>)[name])).safeParse;
}

const now = new Date('2026-03-01T12:00:00Z');
const QUOTE = {
  id: 'qt_4Fh7Kq2mZx9P',
  number: 'Q-2026-00042',
  account_id: 'acct_9xK2mQ7pLr4T',
  status: 'open',
  currency: 'EUR',
  line_items: [
    { id: 'li_1', description: 'Analytics seat', quantity: 3, unit_amount: 1250, amount: 3750 },
  ],
  subtotal: 3750,
  tax: 713,
  total: 4463,
  valid_until: '2026-04-01T00:00:00.000Z',
  accepted_at: '2026-03-02T10:00:00+01:00',
  accepted_by: { name: 'Ada', email: 'ada@example.com' },
  decline_reason: 'Too dear',
  version: 2,
};
const APPLICATION = {
  id: 'onb_7Tq2mZx9P4Fh',
  account_id: 'acct_9xK2mQ7pLr4T',
  status: 'in_progress',
  current_step: 'billing',
  steps: [
    { id: 'company', complete: true },
    { id: 'contact', complete: false },
  ],
  values: { company: DEMO_COMPANY, contact: DEMO_CONTACT, billing: DEMO_BILLING, review: {} },
  version: 3,
  updated_at: '2026-03-01T12:00:00Z',
};

/** Each schema the widgets parse with, and a valid value of it. */
const CASES: [string, unknown, unknown][] = [
  ['Quote', quote.Quote, QUOTE],
  ['QuoteId', quote.QuoteId, QUOTE.id],
  [
    'QuoteAccept',
    quote.QuoteAccept,
    { signer_name: '  Ada Lovelace ', signer_email: 'ada@example.com', accept_terms: true },
  ],
  ['QuoteDecline', quote.QuoteDecline, { reason: 'Over budget' }],
  ['Account', account.Account, demoAccount('acct_9xK2mQ7pLr4T', now)],
  ['AccountId', common.AccountId, 'acct_9xK2mQ7pLr4T'],
  [
    'AccountUpdate',
    account.AccountUpdate,
    { legal_name: 'X GmbH', phone: '+493012345678', billing_address: DEMO_ADDRESS },
  ],
  ['PhoneE164', account.PhoneE164, '+14155550123'],
  [
    'CountryList',
    reference.CountryList,
    {
      data: [
        {
          code: 'DE',
          name: 'Germany',
          regions: [{ code: 'DE-BE', name: 'Berlin' }],
          default_currency: 'EUR',
        },
      ],
    },
  ],
  [
    'CurrencyList',
    reference.CurrencyList,
    { data: [{ code: 'EUR', name: 'Euro', minor_units: 2 }] },
  ],
  ['CompanyStep', onboarding.CompanyStep, DEMO_COMPANY],
  ['ContactStep', onboarding.ContactStep, DEMO_CONTACT],
  ['BillingStep', onboarding.BillingStep, DEMO_BILLING],
  ['ReviewStep', onboarding.ReviewStep, { accept_terms: true }],
  ['OnboardingId', onboarding.OnboardingId, APPLICATION.id],
  ['OnboardingApplication', onboarding.OnboardingApplication, APPLICATION],
  [
    'OnboardingPatch',
    onboarding.OnboardingPatch,
    { step: 'company', values: { legal_name: 'X' }, current_step: 'contact' },
  ],
];

/** What the widgets read of an answer: success, data, and each issue's code, path and message. */
function answer(result: ReturnType<Parse>) {
  return {
    success: result.success,
    data: result.success ? result.data : undefined,
    issues: (result.error?.issues ?? []).map((issue) => {
      const { code, path, message } = issue as { code: string; path: unknown[]; message: string };
      return { code, path, message };
    }),
  };
}

type Path = (string | number)[];

function pathsOf(value: unknown, at: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [at];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [
    at,
    ...keys.flatMap((key) => pathsOf((value as Record<string, unknown>)[key], [...at, key])),
  ];
}

const clone = (value: unknown): unknown => structuredClone(value);

/** Values that sit on the schemas' edges: blank, padded, too long, almost a format, unsafe numbers. */
const edgy = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '  x  ',
    'a'.repeat(41),
    'a'.repeat(1001),
    'qt_short',
    'qt_4Fh7Kq2mZx9P',
    'acct_9xK2mQ7pLr4T',
    '+49',
    '+493012345678',
    'x@y',
    'ada@example.com',
    '2026-02-30T00:00:00Z',
    '2026-03-01T12:00:00',
    '2026-03-01T12:00:00.5+02:00',
    'EUR',
    'eur',
    'DE-BE',
    'open',
    'company',
    0,
    -1,
    1.5,
    2 ** 53,
    -(2 ** 53),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    null,
    undefined,
    [],
    {},
  ),
  fc.anything({ maxDepth: 2 }),
);

type Mutation =
  { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'extra'; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  edgy.map((value) => ({ kind: 'set' as const, value })),
  fc.constant({ kind: 'delete' as const }),
  fc
    .constantFrom('extra', 'id', 'values', '__proto__x')
    .map((key) => ({ kind: 'extra' as const, key })),
);

/**
 * Applies the steps to a copy of `value`. What a step sets is copied too: fast-check hands out the
 * same `[]` and `{}` of `edgy` to every run and reuses values while shrinking, so a value set by
 * reference and then changed by a later step would carry that change into other runs, until one
 * held itself.
 */
function mutate(value: unknown, steps: [number, Mutation][]): unknown {
  let root = clone(value);
  for (const [pick, change] of steps) {
    const paths = pathsOf(root);
    const path = paths[pick % paths.length]!;
    if (path.length === 0) {
      if (change.kind === 'set') root = clone(change.value);
      else if (
        change.kind === 'extra' &&
        typeof root === 'object' &&
        root !== null &&
        !Array.isArray(root)
      )
        (root as Record<string, unknown>)[change.key] = 1;
      continue;
    }
    type Node = Record<string | number, unknown> & unknown[];
    const parent = path.slice(0, -1).reduce((node, key) => node[key] as Node, root as Node);
    const key = path.at(-1)!;
    if (change.kind === 'set') parent[key] = clone(change.value);
    else if (change.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (
      typeof parent[key] === 'object' &&
      parent[key] !== null &&
      !Array.isArray(parent[key])
    )
      (parent[key] as Record<string, unknown>)[change.key] = 'unexpected';
  }
  return root;
}

describe('contract checks compiled from the zod schemas', () => {
  for (const [name, schema, valid] of CASES) {
    const zod = (schema as { safeParse: Parse }).safeParse.bind(schema);
    const ours = compiled(schema);

    it(`${name}: a valid value passes with the same data`, () => {
      const theirs = answer(zod(valid));
      assert.equal(theirs.success, true, `the sample of ${name} is not valid`);
      assert.deepEqual(answer(ours(valid)), theirs);
    });

    it(`${name}: any broken value gets the same answer as zod's`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
          (steps) => {
            const input = mutate(valid, steps);
            const expected = answer(zod(clone(input)));
            const actual = answer(ours(clone(input)));
            if (!isDeepStrictEqual(actual, expected)) {
              const show = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => v ?? null);
              assert.fail(
                `input ${show(input)}\nzod     ${show(expected)}\ncompiled ${show(actual)}`,
              );
            }
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('a broken value never changes the values its steps set (they are shared between runs)', () => {
    const shared = {};
    const steps: [number, Mutation][] = [
      [1, { kind: 'set', value: shared }],
      [1, { kind: 'extra', key: 'x' }],
    ];
    assert.deepEqual(mutate({ a: 1 }, steps), { a: { x: 'unexpected' } });
    assert.deepEqual(shared, {});
    assert.deepEqual(mutate({ a: 1 }, steps), { a: { x: 'unexpected' } });
  });

  it('refuses to compile what it cannot check as zod does (a refinement)', () => {
    assert.throws(() => compile(common.Origin as never, new Compilation()), /cannot compile/);
  });

  it('knows a schema from anything else a contract module exports', () => {
    assert.equal(isSchema(quote.Quote), true);
    assert.equal(isSchema(quote.QUOTE_STATUSES), false);
  });
});
