import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LANGUAGES, Messages, languageOf } from '../../../widgets/core/i18n.ts';
import { messages as quoteMessages } from '../../../widgets/quote/quote.messages.ts';
import { quote as quoteEn } from '../../../widgets/quote/locales/en.ts';

/** Words some languages write as English does (Description, Total, Subtotal). */
const COGNATES = ['quote.description', 'quote.total', 'quote.subtotal'];

describe('widget messages', () => {
  it('maps a locale to a shipped language, region ignored, anything else to English', () => {
    assert.equal(languageOf('de-CH'), 'de');
    assert.equal(languageOf('FR'), 'fr');
    assert.equal(languageOf('es-419'), 'es');
    assert.equal(languageOf('ja-JP'), 'en');
    assert.equal(languageOf(undefined), 'en');
  });

  it('answers English until a language is loaded, then that language, loading it once', async () => {
    let loads = 0;
    const messages = new Messages<'hello'>(
      { hello: 'Hello {name}' },
      {
        de: () => {
          loads += 1;
          return Promise.resolve({ hello: 'Hallo {name}' });
        },
      },
    );
    assert.equal(messages.has('de'), false);
    assert.equal(messages.format('de', 'hello', { name: 'Ada' }), 'Hello Ada');
    await Promise.all([messages.load('de-AT'), messages.load('de')]);
    assert.equal(loads, 1);
    assert.equal(messages.has('de'), true);
    assert.equal(messages.format('de', 'hello', { name: 'Ada' }), 'Hallo Ada');
    assert.equal(
      messages.format('en', 'hello'),
      'Hello {name}',
      'a missing parameter stays visible',
    );
  });

  it('keeps English after a failed load and may try again', async () => {
    let attempt = 0;
    const messages = new Messages<'x'>(
      { x: 'x' },
      {
        fr: () => {
          attempt += 1;
          return attempt === 1 ? Promise.reject(new Error('offline')) : Promise.resolve({ x: 'y' });
        },
      },
    );
    await assert.rejects(messages.load('fr'));
    assert.equal(messages.format('fr', 'x'), 'x');
    await messages.load('fr');
    assert.equal(messages.format('fr', 'x'), 'y');
  });

  it('the quote widget has every string in every shipped language, none left in English', async () => {
    for (const language of LANGUAGES) {
      await quoteMessages.load(language);
      assert.equal(quoteMessages.has(language), true, language);
    }
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const same = Object.keys(quoteEn).filter(
        (id) =>
          !COGNATES.includes(id) &&
          quoteMessages.format(language, id as keyof typeof quoteEn) ===
            quoteMessages.format('en', id as keyof typeof quoteEn),
      );
      assert.deepEqual(same, [], `${language} strings identical to English`);
    }
  });
});
