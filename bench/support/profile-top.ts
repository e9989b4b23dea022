/**
 * The top of a V8 `.cpuprofile` (from `node --cpu-prof`) as text: self time by function, and the
 * same grouped by package or source folder, for the notes in bench/profiles/.
 *
 *   node --import tsx bench/support/profile-top.ts <file.cpuprofile> [rows]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

const selfUs = new Map<string, number>();
const byPlace = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)?.callFrame;
  if (!frame) return;
  total += delta;
  const url = frame.url.replace(/^file:\/\//, '');
  const short = url.replace(/^.*node_modules\//, '').replace(process.cwd() + '/', '');
  const name = `${frame.functionName || '(anonymous)'}  ${short ? `${short}:${frame.lineNumber + 1}` : ''}`;
  selfUs.set(name, (selfUs.get(name) ?? 0) + delta);
  const place = !url
    ? frame.functionName.startsWith('(')
      ? frame.functionName
      : '(native)'
    : url.startsWith('node:')
      ? 'node: internals'
      : url.includes('node_modules/')
        ? url
            .replace(/^.*node_modules\//, '')
            .split('/')
            .slice(0, url.includes('node_modules/@') ? 2 : 1)
            .join('/')
        : short.split('/').slice(0, 2).join('/');
  byPlace.set(place, (byPlace.get(place) ?? 0) + delta);
});

const show = (title: string, table: Map<string, number>) => {
  console.log(`${title}  (total ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [name, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  console.log();
};
show('self time by function', selfUs);
show('self time by package / folder', byPlace);
