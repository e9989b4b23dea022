/**
 * The catalogues of the classic script (`tessera.iife.js`), which cannot load chunks: the build
 * writes each non-English catalogue beside it as a classic script of its own,
 * `tessera.<widget>.<language>.js`, which registers itself in `TesseraCatalogues`, and replaces
 * the `import()` of a catalogue with `loadCatalogue()`. So an English page downloads no other
 * language here either, and a strict policy that lets the script in lets its catalogues in
 * (same place; with a nonce, the same nonce).
 */
type Registry = Record<string, Record<string, unknown> | undefined>;

// Read while the classic script runs: afterwards `currentScript` is another script or null.
const script = typeof document === 'undefined' ? null : document.currentScript;
const base = script instanceof HTMLScriptElement && script.src ? script.src : undefined;
const nonce = script instanceof HTMLScriptElement ? script.nonce : '';
const loading = new Map<string, Promise<Record<string, unknown>>>();

export function loadCatalogue(key: string): Promise<Record<string, unknown>> {
  let pending = loading.get(key);
  if (!pending) {
    pending = new Promise((resolve, reject) => {
      const registry = ((globalThis as { TesseraCatalogues?: Registry }).TesseraCatalogues ??= {});
      const element = document.createElement('script');
      element.src = new URL(`tessera.${key}.js`, base ?? document.baseURI).href;
      if (nonce) element.nonce = nonce;
      element.onload = () => {
        const catalogue = registry[key];
        if (catalogue) resolve(catalogue);
        else reject(new Error(`${element.src} registered no catalogue`));
      };
      element.onerror = () => reject(new Error(`${element.src} did not load`));
      document.head.append(element);
    });
    // A failed load may be tried again (the widget shows English meanwhile).
    pending.catch(() => loading.delete(key));
    loading.set(key, pending);
  }
  return pending;
}
