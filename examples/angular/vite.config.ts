import { transformAsync } from '@babel/core';
import { needsLinking } from '@angular/compiler-cli/linker';
import linkerPlugin from '@angular/compiler-cli/linker/babel';
import { defineConfig, type Plugin } from 'vite';

/**
 * Angular's own packages ship partially compiled; the linker (the step the Angular CLI runs on
 * them) finishes that compilation ahead of time, so the app needs no JIT compiler at run time.
 * The app's own code arrives already compiled by ngc.
 */
function angularLinker(): Plugin {
  return {
    name: 'angular-linker',
    async transform(code, id) {
      if (!/[/\\]@angular[/\\].+\.m?js$/.test(id) || !needsLinking(id, code)) return undefined;
      const result = await transformAsync(code, {
        filename: id,
        plugins: [linkerPlugin],
        compact: false,
        configFile: false,
        babelrc: false,
        sourceMaps: true,
      });
      return result?.code ? { code: result.code, map: result.map } : undefined;
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [angularLinker()],
  // What the Angular CLI defines for a production build: no development checks, no JIT.
  define: { ngDevMode: 'false', ngJitMode: 'false', ngI18nClosureMode: 'false' },
});
