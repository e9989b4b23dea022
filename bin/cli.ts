import { Command, CommanderError, Option } from 'commander';
import * as z from 'zod/mini';
import { ERROR_CATALOGUE, TesseraError, errorEnvelope } from '../contracts/index.ts';
import { coreApiCommands } from '../core-api/cli.ts';
import { portOption, type CliIo } from '../service-kit/cli.ts';
import { untilSignalled } from '../service-kit/http/listen.ts';
import { tokenServiceCommands } from '../token-service/cli.ts';
import { startStack } from './stack.ts';

z.config(z.locales.en());

interface GlobalOptions {
  json?: boolean;
  dataDir?: string;
}

class Output {
  constructor(private readonly json: boolean) {}
  print(value: unknown, human: () => string): void {
    process.stdout.write(this.json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
  }
}

export function buildProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera: the token service, its partners and keys.')
    .option('--json', 'print machine-readable JSON')
    .option(
      '--data-dir <dir>',
      'where the embedded databases live (default ./.tessera, env TESSERA_DATA_DIR)',
    )
    .showHelpAfterError()
    .exitOverride();

  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();
  const out = (command: Command) => new Output(Boolean(globals(command).json));

  const io: CliIo = {
    print: (command, value, human) => out(command).print(value, human),
    globals,
  };
  tokenServiceCommands(program, io);

  program
    .command('start')
    .description(
      'npm start: the token service and the core API, with a demo partner and seeded data (kept across starts)',
    )
    .addOption(
      new Option('--port <port>', 'token service port (default 4000, env PORT)').argParser(
        portOption,
      ),
    )
    .addOption(
      new Option(
        '--core-api-port <port>',
        'core API port (default 4100, env TESSERA_CORE_API_PORT)',
      ).argParser(portOption),
    )
    .addOption(
      new Option(
        '--demo-port <port>',
        'demo partner site port (default 5173, env TESSERA_DEMO_PORT)',
      ).argParser(portOption),
    )
    .action(
      async (
        options: { port?: number; coreApiPort?: number; demoPort?: number },
        command: Command,
      ) => {
        const stack = await startStack({
          dataDir: globals(command).dataDir,
          tokenServicePort: options.port,
          coreApiPort: options.coreApiPort,
          demoPort: options.demoPort,
        });
        const { demo } = stack;
        out(command).print(
          {
            token_service: stack.tokenService.url,
            core_api: stack.coreApi.url,
            demo_site: stack.site.url,
            demo,
          },
          () =>
            [
              '',
              'Tessera is running. Ctrl-C stops everything.',
              `  demo shop      ${stack.site.url}   ← open this: the three widgets on a partner page`,
              `  token service  ${stack.tokenService.url}`,
              `  core API       ${stack.coreApi.url}`,
              `  demo partner   ${demo.partner_id} (test mode, origin ${demo.origin})`,
              `  secret key     ${demo.secret_key}   (kept in the data dir's demo.json)`,
              `  demo account   ${demo.seed.account_id}`,
              `  quotes         open ${demo.seed.quotes.open}, expired ${demo.seed.quotes.expired}, accepted ${demo.seed.quotes.accepted}`,
              `  onboarding     ${demo.seed.onboarding_id}`,
              ...(demo.shop
                ? [
                    `  shop backend   customer ${demo.shop.customer_external_id} → ${demo.shop.account_id}, its quote ${demo.shop.quote_id} (on the page)`,
                    `  webhooks       ${demo.shop.webhook?.endpoint_id} → ${demo.shop.webhook?.url}`,
                  ]
                : []),
              '',
              'Mint a widget token:',
              `  curl -s ${stack.tokenService.url}/v1/tokens -H 'Authorization: Bearer ${demo.secret_key}' -H 'Content-Type: application/json' \\`,
              `    -d '{"subject":"${demo.seed.account_id}","scopes":["quote:read"],"origin":"${demo.origin}"}'`,
            ].join('\n'),
        );
        await untilSignalled(() => stack.close());
      },
    );

  coreApiCommands(program, io);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const known = error instanceof TesseraError ? error : null;
    if (json) {
      const envelope = known
        ? errorEnvelope(known.code, known.message, 'cli', known.details)
        : errorEnvelope('internal_error', (error as Error).message, 'cli');
      process.stderr.write(JSON.stringify(envelope, null, 2) + '\n');
    } else {
      const hint = known ? `\n  ${ERROR_CATALOGUE[known.code].action}` : '';
      process.stderr.write(
        `tessera: ${known ? `${known.code}: ` : ''}${(error as Error).message}${hint}\n`,
      );
    }
    process.exitCode = 1;
  }
}
