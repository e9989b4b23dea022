/**
 * Intl's formatters, one per locale and style: making one costs far more than formatting with
 * it, and a quote formats every amount of every line on each render.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T) {
  if (!formatters.has(key)) formatters.set(key, make());
  return formatters.get(key) as T;
}

/** Money in minor units (cents) as the locale writes it, with the currency's own minor units. */
export function formatMoney(locale: string, currency: string, minorUnits: number): string {
  const format = formatter(
    `${locale} ${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency }),
  );
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

export function formatDate(locale: string, iso: string): string {
  return formatter(
    `${locale} date`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'long' }),
  ).format(new Date(iso));
}

export function formatNumber(locale: string, value: number): string {
  return formatter(locale, () => new Intl.NumberFormat(locale)).format(value);
}
