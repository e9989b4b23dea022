import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { ERROR_CATALOGUE } from '../../contracts/index.ts';
import { renderErrorDocs } from '../../scripts/error-docs.ts';

it('docs/errors.md matches the error catalogue in contracts/ (run `npm run docs` after changing it)', async () => {
  const onDisk = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(onDisk, await renderErrorDocs());
  for (const code of Object.keys(ERROR_CATALOGUE)) assert.ok(onDisk.includes(`\`${code}\``), code);
});
