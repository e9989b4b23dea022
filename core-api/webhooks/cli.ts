import { InvalidArgumentError, type Command } from 'commander';
import type {
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookReplayQueued,
} from '../../contracts/index.ts';
import type { CliIo } from '../../service-kit/cli.ts';
import { runningCoreAdmin } from '../admin-client.ts';
import { coreApiConfig, type CoreApiConfig } from '../config.ts';
import { openCoreApiStore } from '../state.ts';
import {
  operatorDeliveries,
  operatorListEndpoints,
  operatorReplay,
  operatorSetStatus,
  type OperatorDeps,
  type OperatorWebhookEndpointList,
} from './admin.ts';

/**
 * `tessera webhooks list|deliveries|replay|pause|resume`: for the deployment's operators, across
 * every partner. Each command goes through the running core API's admin routes when it holds the
 * embedded database, and opens the store itself otherwise (PostgreSQL, or nothing running).
 */

async function operate<T>(
  config: CoreApiConfig,
  viaAdmin: (call: NonNullable<Awaited<ReturnType<typeof runningCoreAdmin>>>) => Promise<T>,
  direct: (deps: OperatorDeps) => Promise<T>,
): Promise<T> {
  const admin = await runningCoreAdmin(config);
  if (admin) return viaAdmin(admin);
  const core = await openCoreApiStore(config);
  try {
    return await direct({ store: core.store });
  } finally {
    await core.close();
  }
}

function positive(max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}.`);
    return parsed;
  };
}

function age(seconds: number | null): string {
  if (seconds === null) return 'none';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function listText(list: OperatorWebhookEndpointList): string {
  if (list.data.length === 0) return 'No webhook endpoints.';
  return list.data
    .map((e) =>
      [
        `${e.id}  ${e.status}${e.failing_since ? `, failing since ${e.failing_since}` : ''}`,
        `  partner ${e.partner_id} (${e.mode})  ${e.url}`,
        `  lag ${age(e.lag_seconds)}, ${e.pending} pending  types ${e.event_types.join(', ')}`,
      ].join('\n'),
    )
    .join('\n');
}

function deliveriesText(id: string, page: WebhookDeliveryPage): string {
  if (page.data.length === 0) return `No delivery attempts for ${id} yet.`;
  const lines = page.data.map((d) => {
    const answer = d.status_code === null ? 'no answer' : String(d.status_code);
    const next = d.next_attempt_at ? `, next attempt ${d.next_attempt_at}` : '';
    const error = d.error ? `: ${d.error}` : '';
    return `${d.attempted_at}  ${d.event_id} ${d.event_type} #${d.attempt}  ${answer} in ${d.latency_ms} ms${error}${next}`;
  });
  if (page.has_more) lines.push(`More: --after ${page.next_cursor}`);
  return lines.join('\n');
}

export function webhookCommands(program: Command, io: CliIo): void {
  const config = (command: Command) => coreApiConfig({ dataDir: io.globals(command).dataDir });
  const webhooks = program
    .command('webhooks')
    .description("operators: every partner's webhook endpoints on this deployment");

  webhooks
    .command('list')
    .description('each endpoint with its status, failing_since, lag and partner')
    .action(async (_options: unknown, command: Command) => {
      const list = await operate(
        config(command),
        (admin) => admin<OperatorWebhookEndpointList>('GET', '/webhooks'),
        (deps) => operatorListEndpoints(deps),
      );
      io.print(command, list, () => listText(list));
    });

  webhooks
    .command('deliveries')
    .description("an endpoint's delivery attempts, newest first")
    .argument('<endpoint>', 'the endpoint id (we_…)')
    .option('--limit <n>', 'attempts per page, 1–100 (default 50)', positive(100))
    .option('--after <cursor>', 'the next page: the cursor a previous page named', positive(1e15))
    .action(async (id: string, options: { limit?: number; after?: number }, command: Command) => {
      const query = new URLSearchParams();
      if (options.limit !== undefined) query.set('limit', String(options.limit));
      if (options.after !== undefined) query.set('after', String(options.after));
      const page = await operate(
        config(command),
        (admin) =>
          admin<WebhookDeliveryPage>(
            'GET',
            `/webhooks/${encodeURIComponent(id)}/deliveries?${query}`,
          ),
        (deps) => operatorDeliveries(deps, id, options),
      );
      io.print(command, page, () => deliveriesText(id, page));
    });

  webhooks
    .command('replay')
    .description(
      "send again, under the same webhook-ids, every event of the endpoint's types after an event",
    )
    .argument('<endpoint>', 'the endpoint id (we_…)')
    .requiredOption('--after <event>', 'an event id (evt_…), or a feed cursor ("0": everything)')
    .action(async (id: string, options: { after: string }, command: Command) => {
      const result = await operate(
        config(command),
        (admin) =>
          admin<WebhookReplayQueued>('POST', `/webhooks/${encodeURIComponent(id)}/replay`, {
            after: options.after,
          }),
        (deps) => operatorReplay(deps, id, options.after),
      );
      io.print(
        command,
        result,
        () =>
          `Queued ${result.queued} event${result.queued === 1 ? '' : 's'} again for ${id} (after ${options.after}).`,
      );
    });

  for (const [verb, status, what] of [
    ['pause', 'paused', 'hold deliveries to an endpoint (events keep queueing)'],
    ['resume', 'enabled', 'send what a paused (or 410-disabled) endpoint holds, and go on'],
  ] as const)
    webhooks
      .command(verb)
      .description(what)
      .argument('<endpoint>', 'the endpoint id (we_…)')
      .action(async (id: string, _options: unknown, command: Command) => {
        const endpoint = await operate(
          config(command),
          (admin) => admin<WebhookEndpoint>('POST', `/webhooks/${encodeURIComponent(id)}/${verb}`),
          (deps) => operatorSetStatus(deps, id, status),
        );
        io.print(command, endpoint, () => `${endpoint.id} is ${endpoint.status}.`);
      });
}
