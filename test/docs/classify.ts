import type { Sample } from './markdown.ts';

/**
 * How a sample is checked:
 * - `shell`: executed in bash against the stack;
 * - `server`: a partner backend, started with Node and called over HTTP;
 * - `node`: a module executed with Node (tsx) against the stack;
 * - `browser`: executed in Chromium on a page of a local partner site (HTML, or a script bundled
 *   with the widgets), which must load every widget on it with data;
 * - `typecheck`: React, Vue and Angular code, type-checked against Tessera's real types and small
 *   stand-ins for the frameworks (they are not installed), never executed;
 * - `css`: parsed by Chromium; every part and custom property it names must exist;
 * - `json`, `http`, `sql`: parsed (JSON, header lines), SQL executed against the schema;
 * - `diagram`: Mermaid; its participants must be declared before use;
 * - `output`: `text` blocks show output or prose, and are not code.
 */
export type Kind =
  | 'shell'
  | 'server'
  | 'node'
  | 'browser'
  | 'typecheck'
  | 'css'
  | 'json'
  | 'http'
  | 'sql'
  | 'diagram'
  | 'output';

const FRAMEWORK_IMPORT =
  /from\s+['"](react|react-dom(\/client)?|vue|@vitejs\/plugin-vue|@angular\/[\w-]+)['"]/;
const SERVER = /from\s+['"](node:http|@hono\/node-server)['"]/;
const BROWSER = /from\s+['"]tessera(\/headless|\/quote)?['"]|\b(document|window|customElements)\./;

export function kindOf(sample: Sample): Kind {
  switch (sample.lang) {
    case 'sh':
    case 'bash':
    case 'shell':
      return 'shell';
    case 'html':
      return 'browser';
    case 'css':
      return 'css';
    case 'json':
      return 'json';
    case 'http':
      return 'http';
    case 'sql':
      return 'sql';
    case 'text':
      return 'output';
    case 'mermaid':
      return 'diagram';
    case 'tsx':
    case 'jsx':
    case 'vue':
      return 'typecheck';
    case 'js':
    case 'ts':
    case 'mjs':
      if (FRAMEWORK_IMPORT.test(sample.code)) return 'typecheck';
      if (SERVER.test(sample.code)) return 'server';
      if (BROWSER.test(sample.code)) return 'browser';
      return 'node';
    default:
      throw new Error(
        `${sample.file}:${sample.line}: a code block needs a language the sample test knows ` +
          `(sh, js, ts, tsx, vue, html, css, json, http, sql, mermaid, or text for output), not "${sample.lang}"`,
      );
  }
}
