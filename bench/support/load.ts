/**
 * The load generator bench:tokens uses for every server it compares: `wrk` (one thread, a Lua
 * script for the method, headers and body) when it is installed, autocannon otherwise. autocannon
 * runs in Node on the same cores as the servers and itself takes most of one; wrk does the same
 * work in C for a fraction of that, leaving the servers the CPU the figures are about. Either way
 * every server in one run is loaded by the same tool with the same settings, so the ratios hold.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const run = promisify(execFile);

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  perSecond: number;
  /** Milliseconds. */
  p50: number;
  /** Milliseconds. */
  p99: number;
  total: number;
  /** Answers other than 2xx/3xx, socket errors and timeouts. */
  failures: number;
}

export interface LoadGenerator {
  name: 'wrk' | 'autocannon';
  /** Why this one, for the bench's output. */
  note: string;
  load(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult>;
}

/** wrk when `wrk` (or BENCH_WRK) runs, else autocannon; BENCH_LOADGEN=autocannon forces it. */
export async function pickLoadGenerator(): Promise<LoadGenerator> {
  if (process.env.BENCH_LOADGEN === 'autocannon')
    return {
      name: 'autocannon',
      note: 'autocannon (BENCH_LOADGEN=autocannon)',
      load: viaAutocannon,
    };
  const wrk = process.env.BENCH_WRK ?? 'wrk';
  try {
    await run(wrk, ['--version']).catch((error: { stdout?: string }) => {
      // wrk 4 prints its version and exits 1.
      if (!error.stdout?.startsWith('wrk')) throw error;
    });
  } catch {
    return {
      name: 'autocannon',
      note: 'autocannon: wrk is not installed (apt-get install wrk), so the load generator is the heavier one',
      load: viaAutocannon,
    };
  }
  return {
    name: 'wrk',
    note: 'wrk, one thread',
    load: (target, connections, seconds) => viaWrk(wrk, target, connections, seconds),
  };
}

async function viaAutocannon(
  target: LoadTarget,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    connections,
    duration: seconds,
    ...(target.headers ? { headers: target.headers } : {}),
    ...(target.body !== undefined ? { body: target.body } : {}),
  });
  return {
    perSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** A Lua string literal for printable ASCII (all the bench sends): JSON's escapes are Lua's. */
function luaString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error('wrk targets take printable ASCII only');
  return JSON.stringify(text);
}

const REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p99_us\\":%d,\\"failures\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;

async function viaWrk(
  wrk: string,
  target: LoadTarget,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-wrk-'));
  try {
    const lines = [`wrk.method = ${luaString(target.method ?? 'GET')}`];
    for (const [name, value] of Object.entries(target.headers ?? {}))
      lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
    if (target.body !== undefined) lines.push(`wrk.body = ${luaString(target.body)}`);
    const script = join(dir, 'target.lua');
    await writeFile(script, `${lines.join('\n')}\n${REPORT}`);
    const { stdout } = await run(wrk, [
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      target.url,
    ]);
    const line = stdout.split('\n').find((text) => text.startsWith('WRK_RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const parsed = JSON.parse(line.slice('WRK_RESULT '.length)) as {
      requests: number;
      duration_us: number;
      p50_us: number;
      p99_us: number;
      failures: number;
    };
    const ms = (us: number) => Math.round(us / 100) / 10;
    return {
      perSecond: parsed.requests / (parsed.duration_us / 1e6),
      p50: ms(parsed.p50_us),
      p99: ms(parsed.p99_us),
      total: parsed.requests,
      failures: parsed.failures,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
