import { createContext } from '@lit/context';
import type { TesseraConfiguration } from './configure.ts';

/** What a `<tessera-provider>` gives the widgets inside it: its part of the configuration. */
export type ScopedConfiguration = Readonly<Partial<TesseraConfiguration>>;

export const configurationContext = createContext<ScopedConfiguration | undefined>(
  Symbol.for('tessera.configuration'),
);
