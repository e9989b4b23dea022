import type { Catalogue, CatalogueLoader, Language } from '../i18n.ts';
import { common as en, type CommonId } from './en.ts';

export { en as commonEn, type CommonId };

type Lazy = Exclude<Language, 'en'>;

/** The common strings of a language, loaded on first use (a separate chunk in the build). */
const COMMON: Record<Lazy, () => Promise<Catalogue<CommonId>>> = {
  de: () => import('./de.ts').then((m) => m.common),
  fr: () => import('./fr.ts').then((m) => m.common),
  es: () => import('./es.ts').then((m) => m.common),
};

/** A widget's loaders: its own strings of each language together with the common ones. */
export function withCommon<Id extends string>(
  own: Record<Lazy, () => Promise<Catalogue<Id>>>,
): Record<Lazy, CatalogueLoader<Id | CommonId>> {
  const loaders = {} as Record<Lazy, CatalogueLoader<Id | CommonId>>;
  for (const language of Object.keys(own) as Lazy[]) {
    loaders[language] = async () => {
      const [shared, mine] = await Promise.all([COMMON[language](), own[language]()]);
      return { ...shared, ...mine };
    };
  }
  return loaders;
}
