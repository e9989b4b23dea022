/**
 * docs/errors.md is generated from the one catalogue in contracts/, so the two cannot drift:
 * `npm run docs` rewrites it, and test/docs/errors-doc.test.ts fails when it is out of date.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { ERROR_CATALOGUE, type ErrorCode } from '../contracts/index.ts';

const escape = (text: string) => text.replace(/\|/g, '\\|');

export async function renderErrorDocs(): Promise<string> {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from contracts/v1/errors.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every Tessera error answers with one envelope:',
    '',
    '```json',
    '{ "error": { "code": "scope_not_granted", "message": "…", "request_id": "…", "details": {}, "doc_url": "…#scope_not_granted" } }',
    '```',
    '',
    '`code` is one of the codes below and never changes meaning; `message` is for people and may change. Quote `request_id` when you ask for help: it finds the request in our logs. **Retryable** means the same request may succeed later, unchanged (back off; honour `Retry-After`). Codes with no HTTP status are raised by the widgets themselves (`tessera-error`).',
    '',
    '| code | HTTP | retryable | meaning | what to do |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
    const entry = ERROR_CATALOGUE[code];
    lines.push(
      `| <a id="${code}"></a>\`${code}\` | ${entry.status ?? '—'} | ${entry.retryable ? 'yes' : 'no'} | ${escape(entry.meaning)} | ${escape(entry.action)} |`,
    );
  }
  const target = new URL('../docs/errors.md', import.meta.url).pathname;
  // Formatted as `prettier --check` expects, so the generated file passes the lint.
  return format(lines.join('\n') + '\n', { ...(await resolveConfig(target)), parser: 'markdown' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), await renderErrorDocs());
  console.log('docs/errors.md written');
}
