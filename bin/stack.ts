import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coreApiConfig } from '../core-api/config.ts';
import { seedDemo, type SeedResult } from '../core-api/seed.ts';
import { startCoreApi, type RunningCoreApi } from '../core-api/server.ts';
import { SCOPES } from '../contracts/index.ts';
import { envInt } from '../service-kit/env.ts';
import { tokenServiceConfig } from '../token-service/config.ts';
import { startTokenService, type RunningTokenService } from '../token-service/server.ts';
import { startDemoSite, type DemoSite } from '../demo/site.ts';
import {
  SHOP_CUSTOMER_ID,
  WebhookReceiver,
  connectWebhook,
  setUpShop,
  shopTessera,
  type ShopBackendState,
} from '../demo/backend.ts';

/** What the first start created, so that later starts resume with the same partner and data. */
export interface DemoState {
  partner_id: string;
  secret_key: string;
  origin: string;
  seed: SeedResult;
  /**
   * What the demo shop's backend set up through the partner API (`@tessera/node`): its customer
   * (the seeded account, linked under the shop's own id), the quote the page shows, and its
   * webhook endpoint with the secret. Absent in a data dir from before the shop had a backend.
   */
  shop?: ShopBackendState;
}

export interface Stack {
  tokenService: RunningTokenService;
  coreApi: RunningCoreApi;
  /** The demo state; a running stack's shop backend is always set up. */
  demo: DemoState & { shop: ShopBackendState };
  /** The demo partner's own site: its page embeds the three widgets. */
  site: DemoSite;
  close(): Promise<void>;
}

export const DEMO_ORIGIN = 'http://127.0.0.1:5173';
export const DEMO_PORT = 5173;
const DEMO_HOST = '127.0.0.1';

/** The origins a demo site on this port is seen from, both of which the partner must allow. */
function demoOrigins(port: number): string[] {
  return [`http://${DEMO_HOST}:${port}`, `http://localhost:${port}`];
}

/**
 * `npm start`: the token service and the core API side by side on one data dir (each its own
 * embedded database), a demo partner and seeded data on first start, the same ones afterwards.
 */
export async function startStack(
  opts: {
    dataDir?: string;
    tokenServicePort?: number;
    coreApiPort?: number;
    /** The demo site's port (default 5173, env TESSERA_DEMO_PORT; 0 picks a free one). */
    demoPort?: number;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<Stack> {
  const env = opts.env ?? process.env;
  const tsConfig = tokenServiceConfig({ dataDir: opts.dataDir, port: opts.tokenServicePort }, env);
  const tokenService = await startTokenService(tsConfig);
  let coreApi: RunningCoreApi | null = null;
  let site: DemoSite | null = null;
  try {
    coreApi = await startCoreApi(
      coreApiConfig(
        { dataDir: tsConfig.dataDir, port: opts.coreApiPort, tokenServiceUrl: tokenService.url },
        env,
      ),
    );
    const statePath = join(tsConfig.dataDir, 'demo.json');
    const save = (state: DemoState) =>
      writeFile(statePath, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    let demo = await readFile(statePath, 'utf8')
      .then((text) => JSON.parse(text) as DemoState)
      .catch(() => null);
    if (!demo) {
      const { partner, key } = await tokenService.state.partners.create({
        name: 'Demo Shop',
        mode: 'test',
        origins: demoOrigins(DEMO_PORT),
        scopes: [...SCOPES],
        max_ttl_seconds: 600,
        require_dpop: false,
      });
      const seed = await seedDemo(coreApi.store, {
        partnerId: partner.id,
        externalId: SHOP_CUSTOMER_ID,
      });
      demo = { partner_id: partner.id, secret_key: key.secret, origin: DEMO_ORIGIN, seed };
      await save(demo);
    }
    // The shop's backend, as a partner's runs: over HTTP, through the SDK, like any partner.
    const tessera = shopTessera({
      tokenServiceUrl: tokenService.url,
      coreApiUrl: coreApi.url,
      partnerId: demo.partner_id,
      secretKey: demo.secret_key,
    });
    if (!demo.shop) {
      demo.shop = await setUpShop(tessera);
      await save(demo);
    }
    const shop = demo.shop;
    site = await startDemoSite({
      host: DEMO_HOST,
      port: opts.demoPort ?? envInt(env.TESSERA_DEMO_PORT, DEMO_PORT, 'TESSERA_DEMO_PORT'),
      tokenServiceUrl: tokenService.url,
      coreApiUrl: coreApi.url,
      secretKey: demo.secret_key,
      accountId: shop.account_id,
      quoteId: shop.quote_id,
      tokenTtlSeconds: envInt(env.TESSERA_DEMO_TOKEN_TTL, 0, 'TESSERA_DEMO_TOKEN_TTL') || undefined,
    });
    await allowSiteOrigins(tokenService, demo.partner_id, Number(new URL(site.url).port));
    // The endpoint needs the receiver's URL, so it is registered (or moved) once the site listens.
    const webhook = await connectWebhook(tessera, shop.webhook, site.webhookUrl);
    if (webhook !== shop.webhook) {
      demo.shop = { ...shop, webhook };
      await save(demo);
    }
    site.receiveWith(new WebhookReceiver(tessera, webhook.secret));
    const running = coreApi;
    const runningSite = site;
    return {
      tokenService,
      coreApi: running,
      demo: { ...demo, shop: demo.shop },
      site: runningSite,
      async close() {
        await runningSite.close();
        await running.close();
        await tokenService.close();
      },
    };
  } catch (error) {
    await site?.close();
    await coreApi?.close();
    await tokenService.close();
    throw error;
  }
}

/**
 * The demo partner allows the default port's origins and the running site's: on another port
 * than the default, the latest one replaces any earlier one, so the list stays short.
 */
async function allowSiteOrigins(
  tokenService: RunningTokenService,
  partnerId: string,
  port: number,
): Promise<void> {
  const { partner } = await tokenService.state.partners.show(partnerId);
  const wanted = [...new Set([...demoOrigins(DEMO_PORT), ...demoOrigins(port)])];
  const same =
    wanted.length === partner.origins.length && wanted.every((o) => partner.origins.includes(o));
  if (!same) await tokenService.state.partners.update(partnerId, { origins: wanted });
}
