import { PhoneE164 } from '../../contracts/v1/account.ts';

/**
 * Phone numbers to E.164 by hand rather than with libphonenumber, whose metadata alone is several
 * times this widget's bundle budget. A form needs less: accept what people type (spaces, dots,
 * dashes, brackets, `00` or `011` for abroad, the national trunk `0` or `1`), and store the one
 * canonical form the core API checks (`PhoneE164`). Whether a number exists cannot be known
 * offline anyway.
 */
const CALLING_CODES: Readonly<Record<string, string>> = {
  AT: '43',
  AU: '61',
  BE: '32',
  BH: '973',
  BR: '55',
  CA: '1',
  CH: '41',
  DE: '49',
  DK: '45',
  ES: '34',
  FI: '358',
  FR: '33',
  GB: '44',
  IE: '353',
  IN: '91',
  IT: '39',
  JP: '81',
  KW: '965',
  MX: '52',
  NL: '31',
  NO: '47',
  NZ: '64',
  PL: '48',
  PT: '351',
  SE: '46',
  SG: '65',
  US: '1',
};

/**
 * Countries whose national numbers begin with a trunk `0` that is not dialled from abroad. Italy
 * keeps its leading 0 internationally; Spain, Portugal, Poland, the Nordics without it, the Gulf
 * states, Singapore and Mexico have no trunk prefix.
 */
const TRUNK_ZERO = new Set([
  'AT',
  'AU',
  'BE',
  'BR',
  'CH',
  'DE',
  'FI',
  'FR',
  'GB',
  'IE',
  'IN',
  'JP',
  'NL',
  'NZ',
  'SE',
]);

/**
 * The number in E.164 (`+4930123456`), or undefined when it cannot be one. A number without `+`
 * or an international prefix is read as a national number of `country`.
 */
export function toE164(input: string, country: string | undefined): string | undefined {
  // "+49 (0)30 …": the bracketed trunk 0 is written, not dialled, from abroad.
  const value = input.trim().replace(/\(0\)/g, '');
  if (!/^\+?[\d\s()./-]+$/.test(value)) return undefined;
  let digits = value.replace(/\D/g, '');
  const code = country ? CALLING_CODES[country] : undefined;
  if (value.startsWith('+')) {
    // Already international.
  } else if (digits.startsWith('00')) {
    digits = digits.slice(2);
  } else if (code === '1' && digits.startsWith('011')) {
    digits = digits.slice(3);
  } else if (code === '1') {
    // North America: ten digits, perhaps after the trunk 1.
    const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    if (national.length !== 10) return undefined;
    digits = code + national;
  } else if (code) {
    digits = code + (TRUNK_ZERO.has(country ?? '') ? digits.replace(/^0/, '') : digits);
  } else {
    return undefined;
  }
  const e164 = `+${digits}`;
  return PhoneE164.safeParse(e164).success ? e164 : undefined;
}
