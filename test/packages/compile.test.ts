/**
 * How the packages' build rewrites the import specifiers of the emitted files: a workspace's own
 * `.ts` files become `.js`, another workspace's file becomes that package's name and subpath, and
 * anything else reached by a relative path stops the build instead of shipping a broken import.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { publishedSpecifier } from '../../scripts/compile.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const verifier = join(ROOT, 'verify/verifier.ts');
const element = join(ROOT, 'widgets/quote/tessera-quote.ts');

describe('publishedSpecifier', () => {
  it('keeps a package import as it is', () => {
    assert.equal(publishedSpecifier(verifier, 'jose', 'verify'), 'jose');
    assert.equal(
      publishedSpecifier(element, 'lit/directives/live.js', 'widgets'),
      'lit/directives/live.js',
    );
    assert.equal(publishedSpecifier(verifier, 'node:crypto', 'verify'), 'node:crypto');
  });

  it('points a file of the same workspace at its .js', () => {
    assert.equal(publishedSpecifier(verifier, './key-set.ts', 'verify'), './key-set.js');
    assert.equal(
      publishedSpecifier(element, '../core/element.ts', 'widgets'),
      '../core/element.js',
    );
  });

  it('names the other package for a file of another workspace', () => {
    assert.equal(
      publishedSpecifier(verifier, '../contracts/v1/errors.ts', 'verify'),
      '@tessera/contracts/v1/errors',
    );
    assert.equal(
      publishedSpecifier(verifier, '../contracts/index.ts', 'verify'),
      '@tessera/contracts',
    );
    assert.equal(
      publishedSpecifier(element, '../../contracts/v1/quote.ts', 'widgets'),
      '@tessera/contracts/v1/quote',
    );
  });

  it('refuses a relative import that leaves the packages', () => {
    assert.throws(
      () => publishedSpecifier(verifier, '../service-kit/log.ts', 'verify'),
      /verify\/verifier\.ts imports \.\.\/service-kit\/log\.ts, outside any package/,
    );
    assert.throws(
      () => publishedSpecifier(element, '../../../elsewhere.ts', 'widgets'),
      /outside any package/,
    );
  });
});
