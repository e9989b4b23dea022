import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configure, resolveConfiguration } from '../../../widgets/core/configure.ts';
import { WidgetError } from '../../../widgets/core/errors.ts';

const fetchToken = () => Promise.resolve({ token: 't', expires_in: 300 });

describe('configuration: page, provider, element', () => {
  it('without configure(), a provider or attributes, a widget gets configuration_invalid', () => {
    assert.throws(
      () => resolveConfiguration(),
      (error) => error instanceof WidgetError && error.code === 'configuration_invalid',
    );
  });

  it('a provider alone configures its widgets, the same object for the same provider value', () => {
    const scope = Object.freeze({ apiBase: 'https://api.example', tokenUrl: '/token' });
    const first = resolveConfiguration({}, scope);
    assert.equal(first.apiBase, 'https://api.example');
    assert.equal(first.tokenUrl, '/token');
    assert.equal(
      resolveConfiguration({}, scope),
      first,
      'one configuration: one token, one session',
    );
  });

  it('a provider refines the page: its token source replaces the page’s, the rest is inherited', () => {
    const onEvent = () => undefined;
    configure({ apiBase: 'https://page.example', fetchToken, locale: 'fr', onEvent });
    const scope = Object.freeze({ tokenUrl: '/provider-token', appearance: 'dark' as const });
    const merged = resolveConfiguration({}, scope);
    assert.equal(merged.apiBase, 'https://page.example');
    assert.equal(merged.tokenUrl, '/provider-token');
    assert.equal(merged.fetchToken, undefined);
    assert.equal(merged.locale, 'fr');
    assert.equal(merged.appearance, 'dark');
    assert.equal(merged.onEvent, onEvent);
  });

  it('configuring the page again gives provider widgets a new merged configuration', () => {
    const scope = Object.freeze({ locale: 'de' });
    configure({ apiBase: 'https://one.example', fetchToken });
    const one = resolveConfiguration({}, scope);
    configure({ apiBase: 'https://two.example', fetchToken });
    const two = resolveConfiguration({}, scope);
    assert.notEqual(one, two);
    assert.equal(two.apiBase, 'https://two.example');
  });

  it('element attributes win over the provider, and equal attributes share one configuration', () => {
    configure({ apiBase: 'https://page.example', fetchToken });
    const scope = Object.freeze({ apiBase: 'https://provider.example' });
    const a = resolveConfiguration({ apiBase: 'https://element.example' }, scope);
    const b = resolveConfiguration({ apiBase: 'https://element.example' }, scope);
    assert.equal(a.apiBase, 'https://element.example');
    assert.equal(a.fetchToken, fetchToken, 'an api-base alone keeps the token source');
    assert.equal(a, b);
  });

  it('a provider with an invalid apiBase is refused with configuration_invalid', () => {
    assert.throws(
      () => resolveConfiguration({ tokenUrl: '/t' }, Object.freeze({ apiBase: 'not a url' })),
      (error) => error instanceof WidgetError && error.code === 'configuration_invalid',
    );
  });
});
