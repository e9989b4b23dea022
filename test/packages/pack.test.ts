/**
 * The publishable packages as a partner gets them: built, packed with `npm pack`, and installed
 * from the tarballs into a new project under the system's temporary directory, where nothing of
 * this repository (its sources, its node_modules) can be reached. There:
 *
 * - each tarball holds its compiled files and nothing else, and its code imports only what its
 *   package.json declares;
 * - a Vite app importing `@tessera/widgets/quote` builds, and in Chromium the element shows a quote
 *   the core API serves, with a token the token service minted for the app's origin;
 * - a plain `node` script (no TypeScript loader) imports `@tessera/verify` and verifies a token
 *   the token service minted, and refuses a forged one;
 * - a plain `node` script imports `@tessera/node`: it mints a widget token and upserts an account
 *   against the real token service and core API, and runs the same calls on the in-memory fake of
 *   `@tessera/node/testing`, whose signed webhook it verifies;
 * - the declarations type-check in a strict TypeScript project that imports all four.
 *
 * The npm registry is used for what the tarballs depend on, and for Vite and TypeScript.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { SCOPES } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { buildPackages } from '../../scripts/build.ts';
import { ORIGIN, startTestStack, type TestStack } from '../core-api/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['contracts', 'verify', 'widgets', 'sdk'] as const;
const skipBrowser = existsSync(CHROMIUM_PATH)
  ? false
  : `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y --no-install-recommends chromium) or set CHROME_PATH`;

const log = (line: string) => console.error(`[packages] ${line}`);

/** What `npm pack --json` says of one tarball. */
interface Packed {
  name: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The environment of a child that must behave as on a partner's machine: no loader, no npm of ours. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || /^npm_/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Runs a command to its end; its output is returned, and echoed when it fails. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The bare package a specifier names (`lit/directives/live.js` → `lit`), or none. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The code of a package file and of every file it imports relatively, statically, in all. */
async function staticallyLoaded(dir: string, file: string): Promise<string> {
  const seen = new Set<string>();
  const codes: string[] = [];
  const visit = async (path: string): Promise<void> => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = await readFile(join(dir, path), 'utf8');
    codes.push(code);
    for (const specifier of specifiersOf(code, { dynamic: false }))
      if (specifier.startsWith('.')) await visit(join(path, '..', specifier));
  };
  await visit(file);
  return codes.join('\n');
}

/** Every module specifier of a JavaScript or declaration file: static, re-export, dynamic, type. */
function specifiersOf(code: string, { dynamic = true } = {}): string[] {
  const found = [
    ...code.matchAll(/\b(?:import|export)\s*(?:type\s*)?[^'"`;]*?\bfrom\s*["']([^"']+)["']/g),
    ...(dynamic ? code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g) : []),
    ...code.matchAll(/\bimport\s*["']([^"']+)["']/g),
  ];
  return found.map((match) => match[1] ?? '');
}

describe('the packages, packed and installed in a project of their own', () => {
  let work: string;
  let app: string;
  let stack: TestStack;
  const packed = new Map<string, Packed>();
  const manifests = new Map<string, PackageJson>();

  before(async () => {
    const started = performance.now();
    log(`building ${PACKAGES.join(', ')} into their dist/`);
    await buildPackages(PACKAGES, log);

    work = await mkdtemp(join(tmpdir(), 'tessera-packages-'));
    log(`packing into ${work}`);
    const listing = await mustRun(
      'npm',
      [
        'pack',
        '--json',
        '--ignore-scripts',
        '--pack-destination',
        work,
        ...PACKAGES.flatMap((name) => ['--workspace', name]),
      ],
      ROOT,
    );
    for (const entry of JSON.parse(listing) as Packed[]) {
      packed.set(entry.name, entry);
      log(
        `${entry.filename}: ${(entry.size / 1024).toFixed(1)} KB packed, ` +
          `${(entry.unpackedSize / 1024).toFixed(1)} KB unpacked, ${entry.files.length} files`,
      );
    }
    for (const name of PACKAGES) {
      const manifest = JSON.parse(
        await readFile(join(ROOT, name, 'package.json'), 'utf8'),
      ) as PackageJson;
      manifests.set(manifest.name, manifest);
    }

    app = join(work, 'partner-app');
    await mkdir(app);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'partner-app', private: true, type: 'module' }, null, 2),
    );
    // The same majors of Vite, TypeScript and Hono (the verifier middleware's optional peer) as
    // this repository's own.
    const ours = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
    const tools = ['vite', 'typescript', 'hono'].map(
      (name) => `${name}@${ours.devDependencies?.[name] ?? ours.dependencies?.[name] ?? 'latest'}`,
    );
    log(`installing the tarballs, ${tools.join(', ')} into ${app} (npm registry)`);
    await mustRun(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...[...packed.values()].map((entry) => join(work, entry.filename)),
        ...tools,
      ],
      app,
    );
    stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
    log(`ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  });

  after(async () => {
    await stack?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs the four packages, each with only its compiled files', () => {
    assert.deepEqual([...packed.keys()].sort(), [
      '@tessera/contracts',
      '@tessera/node',
      '@tessera/verify',
      '@tessera/widgets',
    ]);
    for (const [name, entry] of packed) {
      const paths = entry.files.map((file) => file.path);
      const stray = paths.filter(
        (path) =>
          !['package.json', 'README.md'].includes(path) &&
          !/^dist\/.+\.(js|d\.ts)$/.test(path) &&
          // Browser code only: the widgets' bundles keep their maps for partners' debuggers,
          // and their custom elements manifest for partners' editors.
          !(
            name === '@tessera/widgets' &&
            (/^dist\/.+\.js\.map$/.test(path) || path === 'dist/custom-elements.json')
          ),
      );
      assert.deepEqual(stray, [], `${name} ships only dist/*.js, *.d.ts and its README`);
      assert.ok(
        paths.every(
          (path) => !/\.(test|stories|spec)\.|(^|\/)(test|stories|\.storybook)\//.test(path),
        ),
        `${name} ships no test or story`,
      );
      assert.ok(
        paths.every((path) => !/\.ts$/.test(path) || /\.d\.ts$/.test(path)),
        `${name} ships no TypeScript source`,
      );
    }
    const serverMaps = [...packed.values()]
      .filter((entry) => entry.name !== '@tessera/widgets')
      .flatMap((entry) => entry.files.filter((file) => file.path.endsWith('.map')));
    assert.deepEqual(serverMaps, [], 'no source map of Node code');

    const verify = packed.get('@tessera/verify')?.files.map((file) => file.path) ?? [];
    assert.ok(verify.includes('dist/index.js') && verify.includes('dist/index.d.ts'));
    assert.ok(
      verify.every((path) => !path.includes('contracts')),
      'the verifier ships none of the contracts: it imports @tessera/contracts',
    );
    const widgets = packed.get('@tessera/widgets')?.files.map((file) => file.path) ?? [];
    for (const file of [
      'tessera',
      'quote',
      'onboarding',
      'account',
      'headless',
      'hydrate',
      'ssr',
      'tessera.iife',
    ]) {
      assert.ok(widgets.includes(`dist/${file}.js`), `@tessera/widgets has dist/${file}.js`);
    }
    const sdk = packed.get('@tessera/node')?.files.map((file) => file.path) ?? [];
    for (const file of ['index.js', 'index.d.ts', 'testing.js', 'testing.d.ts']) {
      assert.ok(sdk.includes(`dist/${file}`), `@tessera/node has dist/${file}`);
    }
    assert.ok(
      sdk.every((path) => !path.includes('contracts')),
      'the SDK ships none of the contracts: it imports @tessera/contracts',
    );
  });

  it('installs code that imports only what each package declares', async () => {
    const builtins = new Set(['node:crypto']);
    for (const [name, manifest] of manifests) {
      const dir = join(app, 'node_modules', name);
      const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
      // A peer (the verifier's Hono, for its middleware's types) may be named by declarations only.
      const forTypes = new Set([...dependencies, ...Object.keys(manifest.peerDependencies ?? {})]);
      const used = new Map<string, string>();
      for (const file of await readdir(join(dir, 'dist'), { recursive: true })) {
        if (!/\.(js|d\.ts)$/.test(file)) continue;
        const declared = file.endsWith('.d.ts') ? forTypes : dependencies;
        const code = await readFile(join(dir, 'dist', file), 'utf8');
        // The widgets' server renderer (`ssr.js`, `types/ssr/`) is Node code; the rest is not.
        const serverRenderer = name === '@tessera/widgets' && /^(ssr\.js|types\/ssr\/)/.test(file);
        for (const specifier of specifiersOf(code)) {
          if (specifier.startsWith('node:')) {
            const allowed =
              builtins.has(specifier) || (serverRenderer && specifier === 'node:stream');
            assert.ok(allowed, `${name}/dist/${file}: ${specifier}`);
            continue;
          }
          const bare = packageOf(specifier);
          if (!bare) continue;
          if (name === '@tessera/widgets' && !serverRenderer) {
            assert.notEqual(bare, '@lit-labs/ssr', `${name}/dist/${file}: the server renderer`);
          }
          used.set(bare, `dist/${file}`);
          assert.ok(declared.has(bare), `${name}/dist/${file} imports ${bare}, undeclared`);
        }
      }
      if (name === '@tessera/widgets') {
        assert.ok(used.has('lit'), 'the widgets leave Lit to the app');
        for (const server of ['hono', 'pg', 'ioredis', '@electric-sql/pglite', 'pino', 'jose']) {
          assert.ok(!dependencies.has(server), `@tessera/widgets does not depend on ${server}`);
        }
      }
      if (name === '@tessera/verify') assert.ok(used.has('@tessera/contracts'));
      if (name === '@tessera/node') {
        assert.ok(used.has('@tessera/contracts') && used.has('standardwebhooks'));
        for (const heavy of ['hono', 'pg', 'ioredis', 'pino', 'jose', 'lit', 'express']) {
          assert.ok(!dependencies.has(heavy), `@tessera/node does not depend on ${heavy}`);
        }
      }
    }
    const contracts = manifests.get('@tessera/contracts');
    assert.deepEqual(Object.keys(contracts?.dependencies ?? {}), ['zod']);
    assert.equal(
      (
        JSON.parse(
          await readFile(join(app, 'node_modules/@tessera/contracts/package.json'), 'utf8'),
        ) as {
          sideEffects?: unknown;
        }
      ).sideEffects,
      false,
    );
  });

  it('the widgets name a custom elements manifest of their elements, pointing at their own entries', async () => {
    const dir = join(app, 'node_modules/@tessera/widgets');
    const { customElements } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      customElements?: string;
    };
    assert.equal(customElements, 'dist/custom-elements.json');
    const manifest = JSON.parse(await readFile(join(dir, customElements), 'utf8')) as {
      modules: {
        path: string;
        declarations: { tagName?: string; attributes?: { name: string }[] }[];
        exports: { kind: string; name: string; declaration: { module?: string } }[];
      }[];
    };
    const elements = new Map(
      manifest.modules.flatMap((module) =>
        module.declarations.flatMap((declaration) =>
          declaration.tagName ? [[declaration.tagName, declaration] as const] : [],
        ),
      ),
    );
    assert.deepEqual([...elements.keys()].sort(), [
      'tessera-account',
      'tessera-onboarding',
      'tessera-provider',
      'tessera-quote',
    ]);
    const attributes = (tag: string) => elements.get(tag)?.attributes?.map((a) => a.name) ?? [];
    for (const name of ['quote-id', 'api-base', 'token-url', 'token', 'locale'])
      assert.ok(attributes('tessera-quote').includes(name), `tessera-quote's ${name}`);
    assert.ok(attributes('tessera-account').includes('account-id'));

    // Every module it names is a file of the package, and exports what it says it does.
    const references = JSON.stringify(manifest).match(/"(?:path|module)":"[^"]*"/g) ?? [];
    for (const reference of new Set(references)) {
      const file = reference.split('"')[3]!;
      assert.ok(existsSync(join(dir, file)), `${reference}: no such file in the package`);
    }
    for (const module of manifest.modules) {
      const code = await readFile(join(dir, module.path), 'utf8');
      const clause = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(code)?.[1] ?? '';
      const exported = clause.split(',').map((part) =>
        part
          .trim()
          .split(/\s+as\s+/)
          .at(-1),
      );
      for (const entry of module.exports.filter((e) => e.kind === 'js'))
        assert.ok(exported.includes(entry.name), `${module.path} exports ${entry.name}`);
      // An entry defines its element on import: somewhere in what it imports, statically.
      const loaded = await staticallyLoaded(dir, module.path);
      const defined = [...loaded.matchAll(/customElements\.define\((["'`])([\w-]+)\1/g)].map(
        (call) => call[2],
      );
      for (const entry of module.exports.filter((e) => e.kind === 'custom-element-definition'))
        assert.ok(defined.includes(entry.name), `importing ${module.path} defines <${entry.name}>`);
    }
    const quote = manifest.modules.find((module) => module.path === 'dist/quote.js');
    assert.ok(quote?.exports.some((e) => e.kind === 'js' && e.name === 'TesseraQuote'));
  });

  it('a plain node script verifies a token the token service minted, and refuses a forged one', async () => {
    const origin = 'https://shop.example';
    const token = await stack.token(['quote:read'], { origin });
    const [header, payload, signature = ''] = token.split('.');
    const flipped = signature[10] === 'A' ? 'B' : 'A';
    const forged = `${header}.${payload}.${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
    await writeFile(
      join(app, 'verify.mjs'),
      `import { TesseraError } from '@tessera/contracts';
import { createVerifier } from '@tessera/verify';

const { ISSUER, AUDIENCE, TOKEN, FORGED, ORIGIN } = process.env;
const verifier = createVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  jwksUrl: new URL('/.well-known/jwks.json', ISSUER).href,
});
const request = (token) => ({
  method: 'GET',
  url: 'https://api.example/v1/quotes/q',
  headers: { authorization: 'Bearer ' + token, origin: ORIGIN },
});
const verified = await verifier.verify(request(TOKEN), { scopes: ['quote:read'] });
let refused;
try {
  await verifier.verify(request(FORGED));
} catch (error) {
  refused = { contractsError: error instanceof TesseraError, code: error.code };
}
verifier.close();
console.log(JSON.stringify({ claims: verified.claims, scopes: [...verified.scopes], refused }));
`,
    );
    log('running verify.mjs with plain node');
    const result = await run(process.execPath, ['verify.mjs'], app, {
      ...cleanEnv(),
      ISSUER: stack.tokenService.issuer,
      AUDIENCE: stack.tokenService.config.audience,
      TOKEN: token,
      FORGED: forged,
      ORIGIN: origin,
    });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      claims: { sub: string; client_id: string; iss: string; origin: string };
      scopes: string[];
      refused?: { contractsError: boolean; code: string };
    };
    assert.equal(out.claims.sub, stack.seed.account_id);
    assert.equal(out.claims.client_id, stack.partner.id);
    assert.equal(out.claims.iss, stack.tokenService.issuer);
    assert.equal(out.claims.origin, origin);
    assert.deepEqual(out.scopes, ['quote:read']);
    // The verifier's error is the class the script imported from @tessera/contracts: one module.
    assert.deepEqual(out.refused, { contractsError: true, code: 'token_signature_invalid' });
  });

  it('a plain node script drives @tessera/node against the real services and against its fake', async () => {
    const externalId = `pack-${Date.now()}`;
    await writeFile(
      join(app, 'sdk.mjs'),
      `import { Tessera, isTesseraError } from '@tessera/node';
import { createFakeTessera, signWebhook } from '@tessera/node/testing';

const { SECRET, PARTNER, TOKENS, API, SUBJECT, ORIGIN, EXTERNAL_ID } = process.env;
const fields = {
  legal_name: 'Packed Ltd',
  billing_email: EXTERNAL_ID + '@packed.example',
  billing_address: { line1: '1 Long Lane', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
  currency: 'GBP',
};

async function integrate(tessera, subject) {
  const minted = await tessera.widgetTokens.create({ subject, scopes: ['quote:read'], origin: ORIGIN });
  const created = await tessera.accounts.upsert(EXTERNAL_ID, fields);
  const updated = await tessera.accounts.upsert(EXTERNAL_ID, { ...fields, legal_name: 'Packed Group Ltd' });
  const events = [];
  for await (const event of tessera.events.list({ types: ['account.updated'] })) events.push(event.id);
  let duplicate;
  try {
    await tessera.accounts.upsert(EXTERNAL_ID + '-2', fields);
  } catch (error) {
    duplicate = isTesseraError(error, 'account_duplicate') && error.details.account_id === created.id;
  }
  return {
    tokenType: minted.token_type,
    versions: [created.version, updated.version],
    eventInFeed: events.includes(updated.eventId),
    duplicate,
  };
}

const real = await integrate(
  new Tessera({ secretKey: SECRET, partnerId: PARTNER, tokenServiceUrl: TOKENS, apiUrl: API }),
  SUBJECT,
);
const fake = createFakeTessera();
const faked = await integrate(new Tessera(fake.options), 'acct_fake0000000001');
const secret = 'whsec_' + Buffer.from('a test secret of 24 bytes').toString('base64');
const signed = signWebhook({ secret, payload: { type: 'quote.accepted', data: { id: 'qt_1' } } });
const verified = new Tessera(fake.options).webhooks.verify(signed.body, signed.headers, { secret });
console.log(JSON.stringify({ real, faked, accounts: fake.accounts.length, webhook: verified.type }));
`,
    );
    log('running sdk.mjs with plain node');
    const result = await run(process.execPath, ['sdk.mjs'], app, {
      ...cleanEnv(),
      SECRET: stack.partner.secret,
      PARTNER: stack.partner.id,
      TOKENS: stack.tokenService.url,
      API: stack.api.url,
      SUBJECT: stack.seed.account_id,
      ORIGIN,
      EXTERNAL_ID: externalId,
    });
    assert.equal(result.code, 0, result.stderr);
    const expected = { tokenType: 'Bearer', versions: [1, 2], eventInFeed: true, duplicate: true };
    assert.deepEqual(JSON.parse(result.stdout), {
      real: expected,
      faked: expected,
      accounts: 1,
      webhook: 'quote.accepted',
    });
  });

  it('a plain node script renders a quote with @tessera/widgets/ssr, read with a widget token', async () => {
    await writeFile(
      join(app, 'ssr.mjs'),
      `import { renderQuote } from '@tessera/widgets/ssr';

const { API, TOKEN, QUOTE } = process.env;
const markup = await renderQuote({ quoteId: QUOTE, token: TOKEN, apiBase: API, locale: 'de' });
const html = await markup.text();
console.log(JSON.stringify({
  element: html.includes('<tessera-quote'),
  shadowRoot: html.includes('shadowrootmode="open"'),
  german: html.includes('Angebot'),
  data: html.includes('data-tessera-server-data'),
}));
`,
    );
    log('running ssr.mjs with plain node');
    const result = await run(process.execPath, ['ssr.mjs'], app, {
      ...cleanEnv(),
      API: stack.api.url,
      TOKEN: await stack.token(['quote:read', 'quote:accept']),
      QUOTE: stack.seed.quotes.open,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      element: true,
      shadowRoot: true,
      german: true,
      data: true,
    });
  });

  it('the declarations type-check in a strict project importing all four', async () => {
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['check.ts'],
        },
        null,
        2,
      ),
    );
    await writeFile(
      join(app, 'check.ts'),
      `import { createVerifier, requireToken, type VerifiedToken } from '@tessera/verify';
import { Quote, SCOPES, type Scope, TesseraError } from '@tessera/contracts';
import { TesseraQuote, configure } from '@tessera/widgets/quote';
import { QuoteController, createApiClient, TokenManager } from '@tessera/widgets/headless';
import type { TesseraOnboarding } from '@tessera/widgets';
import {
  Tessera,
  TesseraApiError,
  isTesseraError,
  type MutationResult,
  type PartnerAccount,
  type DomainEvent,
} from '@tessera/node';
import { createFakeTessera, signWebhook, type FakeTessera } from '@tessera/node/testing';

const verifier = createVerifier({ issuer: 'https://t.example', audience: 'api', jwksUrl: 'https://t.example/jwks' });
export const middleware = requireToken(verifier, 'quote:read');
export async function subject(request: Request): Promise<string> {
  const verified: VerifiedToken = await verifier.verify({ method: request.method, url: request.url, headers: request.headers });
  return verified.claims.sub;
}
export const scopes: readonly Scope[] = SCOPES;
// @ts-expect-error: not a scope
export const wrong: Scope = 'quote:write';
export const parsed: Quote | undefined = Quote.safeParse({}).data;
export const failure = new TesseraError('token_signature_invalid');
export const element: TesseraQuote = document.createElement('tessera-quote');
export const onboarding: TesseraOnboarding | null = document.querySelector('tessera-onboarding');
configure({ apiBase: 'https://api.example', tokenUrl: '/token' });
export const controllers = [QuoteController, createApiClient, TokenManager];

const fake: FakeTessera = createFakeTessera();
const tessera = new Tessera(fake.options);
export async function backend(): Promise<string | undefined> {
  const account: MutationResult<PartnerAccount> = await tessera.accounts.upsert('c-1', {
    legal_name: 'Acme Ltd',
    billing_email: 'billing@acme.example',
    billing_address: { line1: '1 Long Lane', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
    currency: 'GBP',
  });
  // @ts-expect-error: not a widget scope
  await tessera.widgetTokens.create({ subject: account.id, scopes: ['quote:write'], origin: 'https://a.example' });
  const seen: DomainEvent[] = [];
  for await (const event of tessera.events.list({ types: ['account.updated'] })) seen.push(event);
  try {
    await tessera.quotes.void('qt_1');
  } catch (error) {
    if (isTesseraError(error, 'quote_expired')) return error.details?.status as string;
    if (error instanceof TesseraApiError) return error.code;
  }
  const { body, headers } = signWebhook({ secret: 'whsec_x', payload: { type: 'quote.accepted', data: {} } });
  return tessera.webhooks.verify(body, headers, { secret: 'whsec_x' }).id ?? account.eventId;
}
`,
    );
    log('type-checking check.ts against the installed declarations');
    const result = await run(
      process.execPath,
      [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      app,
    );
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  });

  describe('a Vite app importing @tessera/widgets/quote', { skip: skipBrowser }, () => {
    let browser: Browser | undefined;
    let site: { origin: string; close(): Promise<void> } | undefined;

    before(async () => {
      await writeFile(
        join(app, 'index.html'),
        `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Partner app</title>
    <script type="module" src="/main.js"></script>
  </head>
  <body></body>
</html>
`,
      );
      await writeFile(
        join(app, 'main.js'),
        `import { TesseraQuote } from '@tessera/widgets/quote';

const query = new URLSearchParams(location.search);
const quote = document.createElement('tessera-quote');
quote.setAttribute('quote-id', query.get('quote'));
quote.setAttribute('api-base', query.get('api'));
quote.setAttribute('token-url', '/token?account=' + encodeURIComponent(query.get('account')));
document.body.append(quote);
window.upgraded = quote instanceof TesseraQuote;
`,
      );
      log('vite build of the partner app');
      await mustRun(process.execPath, [join(app, 'node_modules/vite/bin/vite.js'), 'build'], app);
      site = await serve(join(app, 'dist'), async (account, origin) => {
        const minted = await stack.tokenService.mint(partner.secret, {
          subject: account,
          scopes: ['quote:read', 'quote:accept'],
          origin,
        });
        if (minted.status !== 201) throw new Error(`mint answered ${minted.status}`);
        return { token: minted.body.token, expires_at: minted.body.expires_at };
      });
      const created = await stack.tokenService.createPartner({
        scopes: [...SCOPES],
        origins: [site.origin],
        rate_limit: { per_second: 1000, burst: 1000 },
      });
      partner = { id: created.partner.id, secret: created.key.secret };
      browser = await launchChromium();
    });
    let partner: { id: string; secret: string };

    after(async () => {
      await browser?.close();
      await site?.close();
    });

    it('builds with Lit from the app, and the element shows a quote the core API serves', async () => {
      const assets = await readdir(join(app, 'dist/assets'));
      const code = (
        await Promise.all(
          assets
            .filter((file) => file.endsWith('.js'))
            .map((file) => readFile(join(app, 'dist/assets', file), 'utf8')),
        )
      ).join('\n');
      assert.match(code, /tessera-quote/);
      assert.equal(code.match(/litHtmlVersions/g)?.length, 1, 'one Lit in the app');

      const seed = await seedDemo(stack.api.store, { partnerId: partner.id });
      const token = await stack.tokenService.mint(partner.secret, {
        subject: seed.account_id,
        scopes: ['quote:read'],
        origin: site!.origin,
      });
      const served = await fetch(`${stack.api.url}/v1/quotes/${seed.quotes.open}`, {
        headers: { authorization: `Bearer ${token.body.token}`, origin: site!.origin },
      });
      const quote = (await served.json()) as {
        number: string;
        line_items: { description: string }[];
      };
      const description = quote.line_items[0]?.description;
      assert.ok(description, 'the seeded quote has a line item');

      const page = await browser!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      const query = new URLSearchParams({
        quote: seed.quotes.open,
        account: seed.account_id,
        api: stack.api.url,
      });
      log('opening the app in Chromium');
      await page.goto(`${site!.origin}/?${query}`);
      const element = page.locator('tessera-quote');
      await element.getByText(description).waitFor({ timeout: 15_000 });
      assert.equal(await page.evaluate(() => (window as { upgraded?: boolean }).upgraded), true);
      assert.equal(
        await page.evaluate(() => document.querySelector('tessera-quote')?.shadowRoot !== null),
        true,
        'the element renders into its shadow root',
      );
      assert.match(
        (await element.getByRole('heading', { level: 2 }).textContent()) ?? '',
        new RegExp(quote.number),
      );
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
});

/** The built app, and its backend's token endpoint, which mints for the account in the query. */
async function serve(
  dir: string,
  mint: (account: string, origin: string) => Promise<{ token: string; expires_at: string }>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
  };
  let origin = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    void (async () => {
      if (req.method === 'POST' && url.pathname === '/token') {
        const minted = await mint(url.searchParams.get('account') ?? '', origin);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(minted));
        return;
      }
      const path = url.pathname === '/' ? '/index.html' : url.pathname;
      if (path.split('/').includes('..')) return void res.writeHead(404).end();
      const body = await readFile(join(dir, path)).catch(() => undefined);
      if (body === undefined)
        return void res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
