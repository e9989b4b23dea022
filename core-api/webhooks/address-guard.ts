import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may go. A receiver URL is the partner's input and the request leaves from
 * inside our network, so live mode refuses anything that is not a public address: loopback,
 * private, link-local (cloud metadata at 169.254.169.254 among them), shared, reserved and
 * multicast ranges. The check runs on the addresses DNS gives at each attempt, and the request
 * then connects to the address checked, so a name that changes its answer (DNS rebinding)
 * cannot slip past. Test mode also allows http and loopback, for a receiver on a laptop.
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Never reachable by a webhook, whatever the mode: each with the reason a refusal names. */
const FORBIDDEN: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64'],
  ['100::', 64, 'ipv6', 'discard'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['fc00::', 7, 'ipv6', 'private (unique local)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];
const forbidden = FORBIDDEN.map(([network, prefix, type, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, reason };
});

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address it maps. */
function unmapped(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why `address` may not receive webhooks in `mode`; null when it may. */
export function addressRefusal(address: string, mode: 'test' | 'live'): string | null {
  const ip = unmapped(address);
  if (loopback.check(ip.address, ip.type)) return mode === 'test' ? null : 'loopback';
  for (const { list, reason } of forbidden) if (list.check(ip.address, ip.type)) return reason;
  return null;
}

/** Why the URL itself (scheme, literal address) may not receive webhooks; null when it may. */
export function urlRefusal(url: URL, mode: 'test' | 'live'): string | null {
  if (url.protocol !== 'https:' && !(mode === 'test' && url.protocol === 'http:'))
    return mode === 'live' ? 'live mode requires https' : 'only http and https';
  const host = hostOf(url);
  if (isIP(host)) {
    const refusal = addressRefusal(host, mode);
    if (refusal) return `${host} is ${refusal}`;
  } else if (mode === 'live' && (host === 'localhost' || host.endsWith('.localhost'))) {
    return `${host} is loopback`;
  }
  return null;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export class AddressRefused extends Error {}

/** The address to connect to: resolved now, every answer checked (one bad answer refuses all). */
export async function resolveTarget(
  url: URL,
  mode: 'test' | 'live',
  resolve: Resolver,
): Promise<{ address: string; family: 4 | 6 }> {
  const refusal = urlRefusal(url, mode);
  if (refusal) throw new AddressRefused(`refused: ${refusal}`);
  const host = hostOf(url);
  const family = isIP(host);
  const answers =
    family === 0 ? await resolve(host) : [{ address: host, family: family === 6 ? 6 : 4 } as const];
  const first = answers[0];
  if (!first) throw new AddressRefused(`refused: ${host} has no address`);
  for (const answer of answers) {
    const why = addressRefusal(answer.address, mode);
    if (why) throw new AddressRefused(`refused: ${host} resolves to ${answer.address} (${why})`);
  }
  return first;
}
