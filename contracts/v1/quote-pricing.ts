import type { FieldIssue } from './errors.ts';
import type { PartnerQuoteCreate } from './partner-api.ts';
import type { LineItem } from './quote.ts';

/** How far ahead a quote may be valid: a year of 365 days. */
export const QUOTE_MAX_VALIDITY_MS = 365 * 86_400_000;

/**
 * The quote's lines with their amounts, and the totals the server computes from a partner's
 * `POST /v1/partner/quotes` body; issues where sent amounts disagree or overflow. Lines without an
 * `id` get the first `li_<n>` no other line uses. The API and the SDK's fake both price with this.
 */
export function priceQuote(input: PartnerQuoteCreate): {
  lines: LineItem[];
  subtotal: number;
  total: number;
  issues: FieldIssue[];
} {
  const issues: FieldIssue[] = [];
  const taken = new Set(input.line_items.flatMap((item) => (item.id ? [item.id] : [])));
  let generated = 0;
  const lines = input.line_items.map((item, index): LineItem => {
    const amount = item.quantity * item.unit_amount;
    if (!Number.isSafeInteger(amount))
      issues.push({
        path: `line_items.${index}`,
        code: 'too_big',
        message: 'quantity × unit_amount is too large',
      });
    else if (item.amount !== undefined && item.amount !== amount)
      issues.push({
        path: `line_items.${index}.amount`,
        code: 'amount_mismatch',
        message: `must be ${amount} (quantity × unit_amount), or left out`,
      });
    let id = item.id;
    while (id === undefined || (item.id === undefined && taken.has(id))) id = `li_${++generated}`;
    taken.add(id);
    const { description, quantity, unit_amount } = item;
    return { id, description, quantity, unit_amount, amount };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const total = subtotal + input.tax;
  if (!Number.isSafeInteger(total))
    issues.push({ path: 'total', code: 'too_big', message: 'the total is too large' });
  else {
    if (input.subtotal !== undefined && input.subtotal !== subtotal)
      issues.push({
        path: 'subtotal',
        code: 'amount_mismatch',
        message: `must be ${subtotal} (the sum of the line items' amounts), or left out`,
      });
    if (input.total !== undefined && input.total !== total)
      issues.push({
        path: 'total',
        code: 'amount_mismatch',
        message: `must be ${total} (subtotal + tax), or left out`,
      });
  }
  return { lines, subtotal, total, issues };
}

/** `valid_until` must lie in the future, at most a year ahead of `now`. */
export function quoteValidityIssues(validUntil: string, now: Date): FieldIssue[] {
  const at = Date.parse(validUntil);
  if (at <= now.getTime())
    return [{ path: 'valid_until', code: 'too_small', message: 'must lie in the future' }];
  if (at > now.getTime() + QUOTE_MAX_VALIDITY_MS)
    return [{ path: 'valid_until', code: 'too_big', message: 'must lie at most a year ahead' }];
  return [];
}
