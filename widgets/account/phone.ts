/**
 * Phone numbers to E.164 by hand: a full metadata library (libphonenumber-js, ~40 KB min) would
 * blow the widgets' 30 KB gzip budget, and the contract only asks for E.164's shape. The core
 * API's countries are few, so their calling codes fit in one string.
 */
const CALLING_CODES: Readonly<Record<string, string>> = Object.fromEntries(
  (
    'AU61 AT43 BH973 BE32 BR55 CA1 DK45 FI358 FR33 DE49 IN91 IE353 IT39 JP81 KW965 MX52 NL31 ' +
    'NZ64 NO47 PL48 PT351 SG65 ES34 SE46 CH41 GB44 US1'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), entry.slice(2)]),
);

/** Italy dials its leading 0 after the country code too; everyone else drops the trunk prefix. */
const KEEPS_TRUNK_ZERO = new Set(['IT']);
const NANP = '1';

/**
 * The number as E.164 (`+4930123456`) when it can be read as one: spaces, dots, dashes, slashes
 * and brackets dropped, `00` read as `+`, a `(0)` after the country code dropped, and a national
 * number given the calling code of `country`. Anything else is returned trimmed, for the schema
 * to refuse: a guess would store someone else's number.
 */
export function toE164(input: string, country?: string): string {
  const trimmed = input.trim();
  if (!trimmed) return '';
  let compact = trimmed.replace(/\(0\)/g, '').replace(/[\s.\-/()]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (compact.startsWith('+')) return /^\+\d+$/.test(compact) ? compact : trimmed;
  if (!/^\d+$/.test(compact)) return trimmed;
  const code = country ? CALLING_CODES[country] : undefined;
  if (!code) return trimmed;
  let national = compact;
  if (code === NANP && national.length === 11 && national.startsWith(NANP)) {
    national = national.slice(1);
  } else if (national.startsWith('0') && !KEEPS_TRUNK_ZERO.has(country ?? '')) {
    national = national.slice(1);
  }
  return `+${code}${national}`;
}
