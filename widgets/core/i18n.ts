/**
 * The widgets' strings: one typed catalogue per language and widget. A small catalogue rather
 * than `@lit/localize`: no build step and no runtime to ship, a missing id is a type error, and
 * languages beyond English are separate modules loaded when a widget first needs them, so a page
 * in English downloads no other language.
 */
export type Catalogue<Id extends string> = Readonly<Record<Id, string>>;
export type CatalogueLoader<Id extends string> = () => Promise<Catalogue<Id>>;

/** The languages every widget ships, besides English. */
export const LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language of a BCP 47 tag that has catalogues (`de-CH` → `de`), else English. */
export function languageOf(locale: string | undefined): Language {
  const language = (locale ?? '').toLowerCase().split('-')[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(language) ? (language as Language) : 'en';
}

export class Messages<Id extends string> {
  readonly #en: Catalogue<Id>;
  readonly #loaders: Partial<Record<Language, CatalogueLoader<Id>>>;
  readonly #loaded = new Map<Language, Catalogue<Id>>();
  readonly #pending = new Map<Language, Promise<void>>();

  constructor(en: Catalogue<Id>, loaders: Partial<Record<Language, CatalogueLoader<Id>>>) {
    this.#en = en;
    this.#loaders = loaders;
    this.#loaded.set('en', en);
  }

  /** Whether `format` can answer in the locale's own language now. */
  has(locale: string | undefined): boolean {
    return this.#loaded.has(languageOf(locale));
  }

  /** Loads the locale's catalogue once; a failed load leaves English and may be tried again. */
  load(locale: string | undefined): Promise<void> {
    const language = languageOf(locale);
    const loader = this.#loaders[language];
    if (this.#loaded.has(language) || !loader) return Promise.resolve();
    let pending = this.#pending.get(language);
    if (!pending) {
      pending = loader()
        .then((catalogue) => {
          this.#loaded.set(language, catalogue);
        })
        .finally(() => this.#pending.delete(language));
      this.#pending.set(language, pending);
    }
    return pending;
  }

  /** A message with its `{name}` placeholders filled in; English until the language has loaded. */
  format(locale: string | undefined, id: Id, params: Record<string, string | number> = {}): string {
    const catalogue = this.#loaded.get(languageOf(locale)) ?? this.#en;
    return (catalogue[id] ?? this.#en[id]).replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  }
}
