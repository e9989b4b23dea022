import type { Command } from 'commander';
import { Option } from 'commander';
import { PartnerId, TesseraError } from '../contracts/index.ts';
import { portOption, type CliIo } from '../service-kit/cli.ts';
import { untilSignalled } from '../service-kit/http/listen.ts';
import { runningCoreAdmin } from './admin-client.ts';
import { coreApiConfig, type CoreApiConfig } from './config.ts';
import { seedDemo, type SeedResult } from './seed.ts';
import { startCoreApi } from './server.ts';
import { openCoreApiStore } from './state.ts';
import { webhookCommands } from './webhooks/cli.ts';

/** Seeds through the running core API when it holds the embedded database, else directly. */
export async function seed(config: CoreApiConfig, partnerId: string): Promise<SeedResult> {
  const parsed = PartnerId.safeParse(partnerId);
  if (!parsed.success)
    throw new TesseraError(
      'validation_failed',
      `--partner must be a partner id (ptn_…), got "${partnerId}".`,
      { fields: [{ path: 'partner', code: 'invalid_format', message: 'not a partner id' }] },
    );
  const admin = await runningCoreAdmin(config);
  if (admin) return admin<SeedResult>('POST', '/seed', { partner_id: partnerId });
  const core = await openCoreApiStore(config);
  try {
    return await seedDemo(core.store, { partnerId });
  } finally {
    await core.close();
  }
}

/** `tessera core-api start`, `tessera core-api seed`, and the operators' `tessera webhooks …`. */
export function coreApiCommands(program: Command, io: CliIo): void {
  const coreApi = program
    .command('core-api')
    .description('the reference core API (sandbox) the widgets call');
  coreApi
    .command('start', { isDefault: true })
    .description('start the core API (stops cleanly on Ctrl-C)')
    .addOption(
      new Option(
        '--port <port>',
        'port to listen on (default 4100, env TESSERA_CORE_API_PORT)',
      ).argParser(portOption),
    )
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option(
      '--token-service <url>',
      'the token service to trust (default http://127.0.0.1:4000, env TESSERA_TOKEN_SERVICE_URL)',
    )
    .action(
      async (
        options: { port?: number; host?: string; tokenService?: string },
        command: Command,
      ) => {
        const config = coreApiConfig({
          port: options.port,
          host: options.host,
          tokenServiceUrl: options.tokenService,
          dataDir: io.globals(command).dataDir,
        });
        const api = await startCoreApi(config);
        io.print(
          command,
          { url: api.url, token_service: config.tokenServiceUrl, data_dir: config.dataDir },
          () =>
            `Core API on ${api.url} (trusting ${config.tokenServiceUrl}, data in ${config.dataDir}). Ctrl-C stops it.`,
        );
        await untilSignalled(() => api.close());
      },
    );
  coreApi
    .command('seed')
    .description(
      'create a demo account linked to a partner, with quotes and an onboarding application',
    )
    .requiredOption('--partner <id>', 'the partner that may act for the demo account (ptn_…)')
    .action(async (options: { partner: string }, command: Command) => {
      const result = await seed(
        coreApiConfig({ dataDir: io.globals(command).dataDir }),
        options.partner,
      );
      io.print(command, result, () =>
        [
          `Demo account ${result.account_id} linked to ${options.partner}`,
          `  quotes: open ${result.quotes.open}, expired ${result.quotes.expired}, accepted ${result.quotes.accepted}`,
          `  onboarding in progress: ${result.onboarding_id}`,
        ].join('\n'),
      );
    });
  webhookCommands(program, io);
}
