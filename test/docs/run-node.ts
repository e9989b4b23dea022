/**
 * Node samples: a module is executed with tsx; a partner backend (`server`) is started and its
 * token endpoint called the way a widget calls it, and the token it hands out must open the
 * customer's quote at the core API. Sample files are written under `.tessera/` in the repository,
 * so `tessera/verify` and `hono` resolve as in a partner's project that installed them.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodePrelude } from './context.ts';
import {
  freePort,
  ROOT,
  SHOP_ORIGIN,
  SOURCE_PACKAGES,
  type DocStack,
  type Fixture,
} from './stack.ts';

const SAMPLE_DIR = join(ROOT, '.tessera', 'doc-samples');
const TSCONFIG = join(SAMPLE_DIR, 'tsconfig.json');
let count = 0;
const written: string[] = [];

/** What every sample process sees besides the stack's variables: tsx reads `paths` from here. */
const SAMPLE_ENV = { TSX_TSCONFIG_PATH: TSCONFIG };

/** Removes the sample files this process wrote. */
export async function removeNodeSamples(): Promise<void> {
  await Promise.all(written.splice(0).map((path) => rm(path, { force: true })));
}

/** The sample directory and its tsconfig, written once (samples run a few at a time). */
let sampleDir: Promise<void> | undefined;
function prepareSampleDir(): Promise<void> {
  sampleDir ??= (async () => {
    await mkdir(SAMPLE_DIR, { recursive: true });
    const paths = Object.fromEntries(
      Object.entries(SOURCE_PACKAGES).map(([name, path]) => [name, [path]]),
    );
    await writeFile(
      TSCONFIG,
      JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), compilerOptions: { paths } }),
    );
  })();
  return sampleDir;
}

async function writeSample(code: string, lang: string): Promise<string> {
  await prepareSampleDir();
  const path = join(SAMPLE_DIR, `sample-${process.pid}-${++count}.${lang === 'js' ? 'mjs' : 'ts'}`);
  await writeFile(path, code);
  written.push(path);
  return path;
}

function collect(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

/** Imports the module, then exits: a verifier's background refresh must not keep it alive. */
export async function runNodeModule(
  code: string,
  lang: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<void> {
  const { prelude } = nodePrelude(code);
  const path = await writeSample(prelude + code, lang);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(path)}); process.exit(0);`,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, ...SAMPLE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = collect(child);
  const exit = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  assert.equal(exit, 0, `the module exited ${exit}:\n${output()}`);
}

async function waitForPort(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited ${child.exitCode}:\n${output()}`);
    const up = await fetch(url, { method: 'HEAD' }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server never listened on ${url}:\n${output()}`);
}

/**
 * Starts a backend sample with `PORT` set, then: `POST /api/widget-token?widget=quote` with a
 * session id, as `token-url` does, from the shop's origin; the answer must be
 * `{ token, expires_at }`, and the token must read the customer's quote from that origin.
 */
export async function exerciseServer(
  code: string,
  lang: string,
  stack: DocStack,
  fixture: Fixture,
): Promise<void> {
  const path = await writeSample(code, lang);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path], {
    cwd: ROOT,
    env: { ...process.env, ...stack.env(fixture), ...SAMPLE_ENV, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForPort(base, child, output);
    const response = await fetch(`${base}/api/widget-token?widget=quote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN },
      body: JSON.stringify({ session_id: 'ws_docsampleAAAAAAAAAAAAAA' }),
    });
    const text = await response.text();
    assert.equal(
      response.status,
      200,
      `the token endpoint answered ${response.status}: ${text}\n${output()}`,
    );
    const body = JSON.parse(text) as { token?: unknown; expires_at?: unknown };
    assert.equal(typeof body.token, 'string', text);
    assert.ok(!Number.isNaN(Date.parse(String(body.expires_at))), `expires_at: ${text}`);
    const quote = await fetch(`${stack.coreApiUrl}/v1/quotes/${fixture.quoteId}`, {
      headers: { authorization: `Bearer ${String(body.token)}`, origin: SHOP_ORIGIN },
    });
    assert.equal(quote.status, 200, `the token does not read the quote: ${await quote.text()}`);
  } finally {
    child.kill('SIGTERM');
  }
}
