/**
 * The server-rendering examples as a partner runs them: built by their own toolchain in the
 * examples' workspace (./workspace.ts) with `@tessera/node` built there as a package beside the
 * widgets, then started as their own Node process with the shop's configuration in the
 * environment, the port free on loopback, until it says it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildPackages } from '../../scripts/build.ts';
import { ROOT, type Workspace } from './workspace.ts';

/** `@tessera/node` built into the workspace's node_modules, as `npm install` would put it. */
export async function addSdk(workspace: Workspace, log: (line: string) => void): Promise<void> {
  const dir = join(workspace.dir, 'node_modules', '@tessera', 'node');
  await mkdir(dir, { recursive: true });
  await copyFile(join(ROOT, 'sdk', 'package.json'), join(dir, 'package.json'));
  await buildPackages(['sdk'], log, { sdk: join(dir, 'dist') });
}

/** A port free on loopback now (the shop's origin, and so its tokens, must be known first). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ShopConfig {
  port: number;
  tokenServiceUrl: string;
  apiUrl: string;
  partnerId: string;
  secretKey: string;
  customerId: string;
}

export interface RunningShop {
  origin: string;
  /** What the process printed, for a failure's message. */
  output(): string;
  stop(): Promise<void>;
}

/** The environment a shop runs in: ours without our TypeScript loader or npm's variables. */
function shopEnv(config: ShopConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || /^npm_/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(config.port),
    SHOP_ORIGIN: `http://127.0.0.1:${config.port}`,
    TESSERA_TOKEN_SERVICE_URL: config.tokenServiceUrl,
    TESSERA_API_URL: config.apiUrl,
    TESSERA_PARTNER_ID: config.partnerId,
    TESSERA_SECRET_KEY: config.secretKey,
    SHOP_CUSTOMER_ID: config.customerId,
  };
}

/**
 * Starts `command args` in `cwd` and waits for its line saying it listens on the port; rejects
 * with its output when it exits first.
 */
export async function startShop(
  command: string,
  args: string[],
  cwd: string,
  config: ShopConfig,
): Promise<RunningShop> {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: shopEnv(config),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const origin = `http://127.0.0.1:${config.port}`;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`:${config.port}`) && /listening|ready/i.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${command} ${args.join(' ')} exited ${code} before listening\n${output}`)),
    );
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    origin,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
