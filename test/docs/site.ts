/**
 * A partner's site for the browser samples, on a real local HTTP server (Chromium keeps pages
 * whose response came from an intercepted route away from loopback APIs): the widget bundles
 * (built from source with esbuild, as the demo site does, under the names the docs give the CDN
 * files), the sample pages and scripts, and the partner backend's token endpoint, which mints with
 * the current fixture's secret key for the page's origin.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { SCOPES, type Scope } from '../../contracts/index.ts';
import { ROOT, type DocStack, type Fixture } from './stack.ts';

/** What `tessera`, `tessera/headless` and `tessera/quote` are in the browser: the sources. */
export const PACKAGE_ENTRIES: Record<string, string> = {
  tessera: join(ROOT, 'widgets/index.ts'),
  'tessera/headless': join(ROOT, 'widgets/headless.ts'),
  'tessera/quote': join(ROOT, 'widgets/quote/index.ts'),
};

/** Resolves the package's own name to its sources, as an installed `tessera` would resolve. */
export const tesseraPackage: Plugin = {
  name: 'tessera-package',
  setup(builder) {
    builder.onResolve({ filter: /^tessera(\/[\w-]+)?$/ }, (args) => {
      const path = PACKAGE_ENTRIES[args.path];
      return path ? { path } : { errors: [{ text: `tessera has no export "${args.path}"` }] };
    });
  },
};

const WIDGET_SCOPES: Record<string, Scope[]> = {
  quote: ['quote:read', 'quote:accept'],
  onboarding: ['onboarding:read', 'onboarding:write'],
  account: ['account:read', 'account:write'],
};

export interface SampleSite {
  origin: string;
  /** Serves `html` at a new path; its token endpoint mints with `fixture`'s key. Returns the URL. */
  page(html: string, fixture: Fixture): string;
  /** Serves `code` (already bundled) at a new path; returns its path. */
  script(code: string): string;
  close(): Promise<void>;
}

async function bundleLibrary(): Promise<Map<string, string>> {
  const common = {
    bundle: true,
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  } as const;
  const [esm, iife] = await Promise.all([
    build({
      ...common,
      entryPoints: { tessera: PACKAGE_ENTRIES.tessera! },
      splitting: true,
      format: 'esm',
      outdir: '/out',
    }),
    build({
      ...common,
      entryPoints: { 'tessera.iife': PACKAGE_ENTRIES.tessera! },
      format: 'iife',
      globalName: 'Tessera',
      outdir: '/out',
    }),
  ]);
  return new Map(
    [...esm.outputFiles, ...iife.outputFiles].map((file) => [
      file.path.slice('/out/'.length),
      file.text,
    ]),
  );
}

/** A sample script bundled for the browser, with `tessera` from source. */
export async function bundleForBrowser(code: string, loader: 'js' | 'ts'): Promise<string> {
  const result = await build({
    stdin: { contents: code, loader, resolveDir: ROOT, sourcefile: 'sample.' + loader },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [tesseraPackage],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0]!.text;
}

export async function startSampleSite(stack: DocStack, port: number): Promise<SampleSite> {
  const library = await bundleLibrary();
  const pages = new Map<string, string>();
  /** Whose secret key the token endpoint uses, by the page that asks (its `Referer`). */
  const fixtures = new Map<string, Fixture>();
  const scripts = new Map<string, string>();
  const origin = `http://127.0.0.1:${port}`;

  async function route(req: IncomingMessage, body: string, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    const file = url.pathname.slice(1);
    if (req.method === 'GET' && pages.has(url.pathname)) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(pages.get(url.pathname));
      return;
    }
    const js = scripts.get(url.pathname) ?? library.get(file);
    if (req.method === 'GET' && js !== undefined) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/widget-token') {
      const widget = url.searchParams.get('widget');
      const scopes = widget ? WIDGET_SCOPES[widget] : [...SCOPES];
      const fixture = fixtures.get(new URL(req.headers.referer ?? '/', origin).pathname);
      if (!scopes || !fixture) {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"no such widget"}');
        return;
      }
      const parsed = (body ? JSON.parse(body) : {}) as { session_id?: string };
      const minted = await stack.mint(fixture, {
        scopes,
        origin: req.headers.origin ?? origin,
        ...(parsed.session_id ? { correlation_id: parsed.session_id } : {}),
      });
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ token: minted.token, expires_at: minted.expires_at }));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      route(req, Buffer.concat(chunks).toString('utf8'), res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  let count = 0;
  return {
    origin,
    page(html, fixture) {
      const path = `/sample-${++count}.html`;
      pages.set(path, html);
      fixtures.set(path, fixture);
      return origin + path;
    },
    script(code) {
      const path = `/sample-${++count}.js`;
      scripts.set(path, code);
      return path;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
