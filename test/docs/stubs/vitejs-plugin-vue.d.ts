// A stand-in for `@vitejs/plugin-vue`'s options, as far as the doc samples use them.
import type { Plugin } from 'vite';

export interface Options {
  template?: { compilerOptions?: { isCustomElement?: (tag: string) => boolean } };
}
export default function vue(options?: Options): Plugin;
