/**
 * Checks a running core API deployment against the v1 contract:
 *
 *   node --import tsx test/contract/cli.ts --base-url URL --token-service URL \
 *     --partner-key KEY --seed-json FILE_OR_JSON [--origin https://…] [--other-account-json FILE_OR_JSON]
 *
 * The seed is what `tessera core-api seed --partner PARTNER_ID --json` prints, and must be fresh:
 * the suite accepts its open quote and submits its onboarding application. The partner key's
 * partner needs all six scopes and the origin. `--other-account-json` names another account (one
 * NOT linked to this partner, e.g. a seed made for another partner) as
 * `{ "account_id": "acct_…", "quotes": { "open": "qt_…" } }` — a whole seed works too — to check
 * isolation against real data rather than random ids.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type * as z from 'zod/mini';
import { normaliseOrigin } from '../../contracts/index.ts';
import {
  ContractOtherAccount,
  ContractSeed,
  contractSuite,
  type ContractContext,
} from './suite.ts';

const USAGE = `Usage: npm run test:contract -- --base-url URL --token-service URL --partner-key KEY --seed-json FILE_OR_JSON [--origin https://shop.example] [--other-account-json FILE_OR_JSON]`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** A JSON argument: inline when it starts with `{`, else the path of a file holding it. */
function jsonArgument<S extends z.ZodMiniType>(name: string, value: string, schema: S): z.infer<S> {
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    if (!existsSync(value)) fail(`--${name}: no such file, and not inline JSON: ${value}`);
    text = readFileSync(value, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`--${name} is not JSON`);
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) fail(`--${name} does not have the seed's shape: ${checked.error.message}`);
  return checked.data;
}

function url(name: string, value: string | undefined): string {
  if (!value) fail(`--${name} is required`);
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    fail(`--${name} must be an http(s) URL, got ${value}`);
  }
  return value.replace(/\/+$/, '');
}

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    'token-service': { type: 'string' },
    'partner-key': { type: 'string' },
    'seed-json': { type: 'string' },
    origin: { type: 'string', default: 'https://shop.example' },
    'other-account-json': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values['partner-key']) fail('--partner-key is required');
if (!values['seed-json']) fail('--seed-json is required');
const origin = values.origin;
if (normaliseOrigin(origin) !== origin)
  fail(`--origin must be an origin such as https://shop.example, got ${origin}`);

const context: ContractContext = {
  baseUrl: url('base-url', values['base-url']),
  tokenServiceUrl: url('token-service', values['token-service']),
  partnerKey: values['partner-key'],
  origin,
  seed: jsonArgument('seed-json', values['seed-json'], ContractSeed),
  ...(values['other-account-json']
    ? {
        otherAccount: jsonArgument(
          'other-account-json',
          values['other-account-json'],
          ContractOtherAccount,
        ),
      }
    : {}),
};

// Registered synchronously: node:test runs them when this module has loaded, and sets a failing
// exit code when one fails.
contractSuite(() => context);
