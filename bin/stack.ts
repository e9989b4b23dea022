import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coreApiConfig } from '../core-api/config.ts';
import { seedDemo, type SeedResult } from '../core-api/seed.ts';
import { startCoreApi, type RunningCoreApi } from '../core-api/server.ts';
import { SCOPES } from '../contracts/index.ts';
import { tokenServiceConfig } from '../token-service/config.ts';
import { createLogger } from '../token-service/log.ts';
import { startTokenService, type RunningTokenService } from '../token-service/server.ts';

/** What the first start created, so that later starts resume with the same partner and data. */
export interface DemoState {
  partner_id: string;
  secret_key: string;
  origin: string;
  seed: SeedResult;
}

export interface Stack {
  tokenService: RunningTokenService;
  coreApi: RunningCoreApi;
  demo: DemoState;
  close(): Promise<void>;
}

export const DEMO_ORIGIN = 'http://127.0.0.1:5173';

/**
 * `npm start`: the token service and the core API side by side on one data dir (each its own
 * embedded database), a demo partner and seeded data on first start, the same ones afterwards.
 */
export async function startStack(
  opts: {
    dataDir?: string;
    tokenServicePort?: number;
    coreApiPort?: number;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<Stack> {
  const env = opts.env ?? process.env;
  const tsConfig = tokenServiceConfig({ dataDir: opts.dataDir, port: opts.tokenServicePort }, env);
  const tokenService = await startTokenService(
    tsConfig,
    createLogger(tsConfig.logLevel, 1, 'token-service'),
  );
  let coreApi: RunningCoreApi | null = null;
  try {
    coreApi = await startCoreApi(
      coreApiConfig(
        { dataDir: tsConfig.dataDir, port: opts.coreApiPort, tokenServiceUrl: tokenService.url },
        env,
      ),
    );
    const statePath = join(tsConfig.dataDir, 'demo.json');
    let demo = await readFile(statePath, 'utf8')
      .then((text) => JSON.parse(text) as DemoState)
      .catch(() => null);
    if (!demo) {
      const { partner, key } = await tokenService.core.partners.create({
        name: 'Demo Shop',
        mode: 'test',
        origins: [DEMO_ORIGIN, 'http://localhost:5173'],
        scopes: [...SCOPES],
        max_ttl_seconds: 600,
        require_dpop: false,
      });
      const seed = await seedDemo(coreApi.store, { partnerId: partner.id });
      demo = { partner_id: partner.id, secret_key: key.secret, origin: DEMO_ORIGIN, seed };
      await writeFile(statePath, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
    }
    const running = coreApi;
    return {
      tokenService,
      coreApi: running,
      demo,
      async close() {
        await running.close();
        await tokenService.close();
      },
    };
  } catch (error) {
    await coreApi?.close();
    await tokenService.close();
    throw error;
  }
}
