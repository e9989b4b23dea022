import { spawn } from 'node:child_process';

export const BIN = new URL('../../bin/tessera.js', import.meta.url).pathname;
export const TEST_ENV = {
  ...process.env,
  TESSERA_KEK: 'dGVzdC1rZWstMzItYnl0ZXMtZm9yLXRlc3RzLW9ubHk',
  TESSERA_LOG_LEVEL: 'warn',
};

/** What `tessera start --json` prints once everything listens. */
export interface Started {
  token_service: string;
  core_api: string;
  demo_site: string;
  demo: {
    partner_id: string;
    secret_key: string;
    origin: string;
    seed: {
      account_id: string;
      quotes: { open: string; expired: string; accepted: string };
      onboarding_id: string;
    };
    /** What the demo shop's backend set up through `@tessera/node` (bin/stack.ts). */
    shop: {
      customer_external_id: string;
      account_id: string;
      quote_id: string;
      webhook: { endpoint_id: string; secret: string; url: string };
    };
  };
}

export interface RunningStart {
  info: Started;
  /** Ctrl-C, as a person would; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** `tessera start` (what `npm start` runs) as a real process, on free ports. */
export function startTessera(
  dataDir: string,
  env: Record<string, string | undefined> = {},
): Promise<RunningStart> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        '--json',
        '--data-dir',
        dataDir,
        'start',
        '--port',
        '0',
        '--core-api-port',
        '0',
        '--demo-port',
        '0',
      ],
      { env: { ...TEST_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      try {
        const info = JSON.parse(stdout) as Started;
        resolve({
          info,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill('SIGINT');
            }),
        });
      } catch {
        /* not all of it yet */
      }
    });
    child.once('exit', (code) => reject(new Error(`tessera start exited ${code}: ${stderr}`)));
  });
}
