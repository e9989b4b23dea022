import type { Readable } from 'node:stream';
import { render } from '@lit-labs/ssr';
import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
import { RenderResultReadable } from '@lit-labs/ssr/lib/render-result-readable.js';
import type { TemplateResult } from 'lit';
import { SERVER_DATA_ATTRIBUTE } from '../core/server-data.ts';

/** A widget rendered on the server: its element with a declarative shadow root and its data. */
export interface WidgetMarkup {
  /** The HTML, whole. */
  text(): Promise<string>;
  /** The HTML as a Node stream, written as it is rendered (to pipe into a response). */
  stream(): Readable;
}

export function markup(template: TemplateResult): WidgetMarkup {
  return {
    text: () => collectResult(render(template)),
    stream: () => new RenderResultReadable(render(template)),
  };
}

/**
 * The data as a JSON data block: not run by the browser (so no CSP `script-src` concerns), and
 * closed only by `</script>`, which `<` escaped as `\u003c` can never spell. `&` and the line
 * separators are escaped too, so the text reads the same to every HTML and JS parser.
 */
export function dataBlock(data: unknown): string {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" ${SERVER_DATA_ATTRIBUTE}>${json}</script>`;
}
