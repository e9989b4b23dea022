import { InvalidArgumentError, Option, type Command } from 'commander';
import type * as z from 'zod/mini';
import {
  DEFAULT_RATE_LIMIT,
  RateLimit,
  PartnerCreate,
  PartnerUpdate,
  SCOPES,
  TesseraError,
  fieldIssues,
  type Partner,
  type PartnerKey,
  type SigningKey,
} from '../contracts/index.ts';
import { portOption, type CliIo } from '../service-kit/cli.ts';
import { untilSignalled } from '../service-kit/http/listen.ts';
import { createLogger } from '../service-kit/log.ts';
import { openAdminOps, type AdminOps } from './admin/ops.ts';
import { tokenServiceConfig } from './config.ts';
import { TOKEN_SERVICE_NAME, startTokenService } from './server.ts';

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('must be a whole number above 0.');
  return parsed;
}
/** `--rate`/`--burst` over a current limit; a burst never below the rate it sits on. */
function rateLimitFrom(options: { rate?: number; burst?: number }, current: RateLimit): RateLimit {
  const per_second = options.rate ?? current.per_second;
  return { per_second, burst: options.burst ?? Math.max(current.burst, per_second) };
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').filter(Boolean),
];
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Validates CLI input with the same contracts schema as the admin API, for the same error. */
function validate<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = fieldIssues(parsed.error.issues);
  throw new TesseraError(
    'validation_failed',
    fields.map((field) => `${field.path || 'input'}: ${field.message}`).join('; '),
    { fields },
  );
}

function partnerLines(partner: Partner): string {
  return [
    `${partner.id}  ${partner.name}  (${partner.mode}, ${partner.status})`,
    `  origins:   ${partner.origins.join(' ')}`,
    `  scopes:    ${partner.scopes.join(' ')}`,
    `  max ttl:   ${partner.max_ttl_seconds} s    rate: ${partner.rate_limit.per_second}/s, burst ${partner.rate_limit.burst}    dpop: ${partner.require_dpop ? 'required' : 'optional'}`,
    ...(partner.not_before ? [`  tokens issued before ${partner.not_before} are revoked`] : []),
  ].join('\n');
}
const keyLine = (key: PartnerKey) =>
  `  ${key.id}  ${key.prefix}…  created ${key.created_at}${key.revoked_at ? `  REVOKED ${key.revoked_at}` : ''}`;
const signingKeyLine = (key: SigningKey) =>
  `${key.state.padEnd(8)}  ${key.kid}  ${key.alg}  created ${key.created_at}${key.activated_at ? `  active since ${key.activated_at}` : ''}${key.remove_after ? `  published until ${key.remove_after}` : ''}`;

/** `tessera token-service`, `tessera partner …`, `tessera keys …`. */
export function tokenServiceCommands(program: Command, io: CliIo): void {
  const out = (command: Command) => ({
    print: (value: unknown, human: () => string) => io.print(command, value, human),
  });
  const globals = io.globals;

  /** Runs an admin action locally or through the running service, whichever owns the data dir. */
  async function admin<T>(command: Command, action: (ops: AdminOps) => Promise<T>): Promise<T> {
    const config = tokenServiceConfig({ dataDir: globals(command).dataDir });
    const ops = await openAdminOps(
      config,
      createLogger(TOKEN_SERVICE_NAME, { level: process.env.TESSERA_LOG_LEVEL ?? 'warn', fd: 2 }),
    );
    try {
      return await action(ops);
    } finally {
      await ops.close();
    }
  }

  program
    .command('token-service')
    .description('start the token service (stops cleanly on Ctrl-C)')
    .addOption(
      new Option('--port <port>', 'port to listen on (default 4000, env PORT)').argParser(
        portOption,
      ),
    )
    .option('--host <host>', 'address to listen on (default 127.0.0.1, env TESSERA_HOST)')
    .action(async (options: { port?: number; host?: string }, command: Command) => {
      const config = tokenServiceConfig({ ...options, dataDir: globals(command).dataDir });
      const service = await startTokenService(config);
      const partners = await service.state.partners.list();
      out(command).print(
        {
          url: service.url,
          issuer: service.issuer,
          data_dir: config.dataDir,
          partners: partners.length,
        },
        () =>
          [
            `Token service on ${service.url} (issuer ${service.issuer}, data in ${config.dataDir}). Ctrl-C stops it.`,
            ...(partners.length
              ? []
              : [
                  'No partners yet. Register one (the service keeps running; the CLI talks to it):',
                  '  ./bin/tessera.js partner create --name "Shop" --origin https://shop.example --scopes quote:read,quote:accept',
                ]),
          ].join('\n'),
      );
      await untilSignalled(() => service.close());
    });

  const partner = program.command('partner').description('manage partners and their secret keys');
  partner
    .command('create')
    .description('register a partner; prints its id and its first secret key (shown once)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption(
      '--origin <url...>',
      'origin(s) the widgets run on, e.g. https://shop.example (repeat or comma-separate)',
      collect,
    )
    .requiredOption('--scopes <list>', `comma-separated scopes: ${SCOPES.join(',')}`, list)
    .addOption(
      new Option('--max-ttl <seconds>', 'longest token lifetime (≤ 900)')
        .argParser(positiveInt)
        .default(600),
    )
    .addOption(
      new Option('--mode <mode>', 'test or live').choices(['test', 'live']).default('test'),
    )
    .addOption(new Option('--rate <perSecond>', 'tokens per second').argParser(positiveInt))
    .addOption(
      new Option('--burst <n>', 'tokens at once before the rate applies').argParser(positiveInt),
    )
    .option('--require-dpop', 'accept only sender-constrained (DPoP) token requests')
    .action(
      async (
        options: {
          name: string;
          origin: string[];
          scopes: string[];
          maxTtl: number;
          mode: string;
          rate?: number;
          burst?: number;
          requireDpop?: boolean;
        },
        command: Command,
      ) => {
        const input = validate(PartnerCreate, {
          name: options.name,
          mode: options.mode,
          origins: options.origin,
          scopes: options.scopes,
          max_ttl_seconds: options.maxTtl,
          require_dpop: Boolean(options.requireDpop),
          ...(options.rate || options.burst
            ? { rate_limit: rateLimitFrom(options, DEFAULT_RATE_LIMIT) }
            : {}),
        });
        const created = await admin(command, (ops) => ops.createPartner(input));
        out(command).print(
          { partner_id: created.partner.id, secret_key: created.key.secret, ...created },
          () =>
            [
              partnerLines(created.partner),
              '',
              `Secret key ${created.key.id} — shown once, store it in your backend's secrets now:`,
              `  ${created.key.secret}`,
            ].join('\n'),
        );
      },
    );
  partner
    .command('list')
    .description('list partners')
    .action(async (_options: unknown, command: Command) => {
      const partners = await admin(command, (ops) => ops.listPartners());
      out(command).print({ data: partners }, () =>
        partners.length
          ? partners.map(partnerLines).join('\n')
          : 'No partners yet: `tessera partner create --help`.',
      );
    });
  partner
    .command('show <id>')
    .description('one partner and its keys')
    .action(async (id: string, _options: unknown, command: Command) => {
      const shown = await admin(command, (ops) => ops.showPartner(id));
      out(command).print(shown, () =>
        [partnerLines(shown.partner), '  keys:', ...shown.keys.map(keyLine)].join('\n'),
      );
    });
  partner
    .command('update <id>')
    .description("change a partner's origins, scopes, lifetime or limits")
    .option('--name <name>')
    .option('--origin <url...>', 'replace the origins', collect)
    .option('--scopes <list>', 'replace the scopes', list)
    .addOption(new Option('--max-ttl <seconds>').argParser(positiveInt))
    .addOption(new Option('--rate <perSecond>').argParser(positiveInt))
    .addOption(new Option('--burst <n>').argParser(positiveInt))
    .option('--require-dpop', 'require DPoP')
    .option('--no-require-dpop', 'stop requiring DPoP')
    .action(
      async (
        id: string,
        options: {
          name?: string;
          origin?: string[];
          scopes?: string[];
          maxTtl?: number;
          rate?: number;
          burst?: number;
          requireDpop?: boolean;
        },
        command: Command,
      ) => {
        const patch = validate(PartnerUpdate, {
          name: options.name,
          origins: options.origin,
          scopes: options.scopes,
          max_ttl_seconds: options.maxTtl,
          require_dpop: options.requireDpop,
        });
        const updated = await admin(command, async (ops) => {
          // One of --rate/--burst alone keeps the other as it is.
          const rate_limit =
            options.rate || options.burst
              ? rateLimitFrom(options, (await ops.showPartner(id)).partner.rate_limit)
              : undefined;
          return ops.updatePartner(
            id,
            rate_limit ? { ...patch, rate_limit: validate(RateLimit, rate_limit) } : patch,
          );
        });
        out(command).print(updated, () => partnerLines(updated));
      },
    );
  for (const [name, description] of [
    ['suspend', 'refuse new tokens at once and revoke the ones issued so far'],
    ['resume', 'mint again (tokens from before the suspension stay revoked)'],
  ] as const) {
    partner
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string, _options: unknown, command: Command) => {
        const changed = await admin(command, (ops) =>
          name === 'suspend' ? ops.suspendPartner(id) : ops.resumePartner(id),
        );
        out(command).print(changed, () => partnerLines(changed));
      });
  }
  const key = partner.command('key').description("issue and revoke a partner's secret keys");
  key
    .command('issue <partnerId>')
    .description('issue another secret key (for rotation); shown once')
    .action(async (partnerId: string, _options: unknown, command: Command) => {
      const issued = await admin(command, (ops) => ops.issueKey(partnerId));
      out(command).print(
        issued,
        () => `Secret key ${issued.id} for ${issued.partner_id} — shown once:\n  ${issued.secret}`,
      );
    });
  key
    .command('revoke <keyId>')
    .description('revoke a secret key at once')
    .action(async (keyId: string, _options: unknown, command: Command) => {
      const revoked = await admin(command, (ops) => ops.revokeKey(keyId));
      out(command).print(
        revoked,
        () =>
          `Revoked ${revoked.id} (${revoked.prefix}…) of ${revoked.partner_id} at ${revoked.revoked_at}.`,
      );
    });

  const keys = program.command('keys').description('signing keys');
  keys
    .command('list')
    .description('signing keys: next, active, retiring')
    .action(async (_options: unknown, command: Command) => {
      const data = await admin(command, (ops) => ops.listKeys());
      out(command).print({ data }, () => data.map(signingKeyLine).join('\n'));
    });
  keys
    .command('rotate')
    .description(
      'promote the next key to active; the old one stays published until its tokens expire',
    )
    .option('--force', 'rotate even if the next key was published less than the publish window ago')
    .action(async (options: { force?: boolean }, command: Command) => {
      const result = await admin(command, (ops) => ops.rotateKeys(Boolean(options.force)));
      out(command).print(result, () =>
        [
          result.rotated ? 'Rotated.' : `Not rotated: ${result.reason}`,
          ...result.data.map(signingKeyLine),
        ].join('\n'),
      );
      if (!result.rotated) process.exitCode = 1;
    });
}
