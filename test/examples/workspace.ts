/**
 * The examples as a partner has them: each app in a directory of its own, resolving
 * `@tessera/widgets` and `@tessera/contracts` as built packages (their package.json and `dist/`,
 * never the sources) and every other package (React, Vue, Svelte, Angular, Vite, Lit) from this
 * repository's node_modules. All of it under the system's temporary directory, so that a build
 * here never races another test building the packages into their own `dist/`.
 */
import { spawn } from 'node:child_process';
import { cp, copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLibrary, buildPackages } from '../../scripts/build.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Workspace {
  dir: string;
  /** Where an example's copy lives: `<dir>/examples/<name>`. */
  example(name: string): string;
  close(): Promise<void>;
}

/** The environment of a toolchain: no TypeScript loader of ours, no npm of ours. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || /^npm_/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Runs a command to its end; throws with its output when it fails. */
export function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${code}\n${output}`)),
    );
  });
}

/** A package's command-line script, run with this Node: `tool('vite', 'bin/vite.js')`. */
export function tool(dir: string, pkg: string, script: string): [string, string[]] {
  return [process.execPath, [join(dir, 'node_modules', pkg, script)]];
}

export async function createWorkspace(log: (line: string) => void): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-examples-'));
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, '@tessera'), { recursive: true });
  for (const name of await readdir(join(ROOT, 'node_modules'))) {
    if (name === '@tessera' || name.startsWith('.')) continue;
    await symlink(join(ROOT, 'node_modules', name), join(modules, name));
  }
  const packages = { contracts: '', widgets: '' };
  for (const name of ['contracts', 'widgets'] as const) {
    packages[name] = join(modules, '@tessera', name);
    await mkdir(packages[name]);
    await copyFile(join(ROOT, name, 'package.json'), join(packages[name], 'package.json'));
  }
  log(`building @tessera/contracts and @tessera/widgets into ${modules}/@tessera`);
  await buildPackages(['contracts', 'widgets'], log, {
    contracts: join(packages.contracts, 'dist'),
    widgets: join(packages.widgets, 'dist'),
  });
  await cp(join(ROOT, 'examples'), join(dir, 'examples'), {
    recursive: true,
    filter: (source) => !/[/\\](dist|node_modules)$/.test(source),
  });
  return {
    dir,
    example: (name) => join(dir, 'examples', name),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The plain page's "build": the browser library (`quote.js` and its chunks, Lit inlined, as a
 * CDN serves them) into its `dist/`, beside the page and its script as they are.
 */
export async function buildPlain(workspace: Workspace): Promise<void> {
  const app = workspace.example('plain');
  const dist = join(app, 'dist');
  await buildLibrary({ outDir: dist, sourcemap: false });
  for (const file of ['index.html', 'main.js']) await copyFile(join(app, file), join(dist, file));
}
