/**
 * Shell samples run in bash against the doc stack: `set -euo pipefail`, the fixture's variables
 * in the environment, the repository as working directory (so `./bin/tessera.js` is the CLI and
 * reaches the running stack through its data dir), and `curl` failing on any HTTP error answer —
 * a sample whose request is refused fails, unless it asks the sandbox for a failure
 * (`Tessera-Simulate`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { ROOT } from './stack.ts';

const PRELUDE = `
set -euo pipefail
curl() {
  case "$*" in
    *Tessera-Simulate:*) command curl --show-error "$@" ;;
    *) command curl --fail-with-body --show-error "$@" ;;
  esac
}
command -v uuidgen >/dev/null 2>&1 || uuidgen() { cat /proc/sys/kernel/random/uuid; }
tessera() { "$TESSERA_ROOT/bin/tessera.js" "$@"; }
`;

/** Tools a sample may use that a machine might lack; such a sample is skipped, saying which. */
const OPTIONAL_TOOLS = ['jq', 'psql', 'openssl'];

export function missingTools(code: string): string[] {
  return OPTIONAL_TOOLS.filter(
    (tool) =>
      new RegExp(`(^|[|;&(\\s])${tool}\\s`, 'm').test(code) &&
      spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
}

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// A guard against a sample that hangs, not a speed check: a sample of nine CLI calls took over a
// minute on a loaded two-core machine, each call paying node and tsx start-up.
export function runShell(
  code: string,
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${PRELUDE}\n${code}\n`], {
      cwd: ROOT,
      env: { ...process.env, ...env, TESSERA_ROOT: ROOT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`shell sample did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, stdout, stderr });
    });
  });
}
