/**
 * The fenced code blocks of the Markdown docs, with the `<!-- sample: … -->` marker that may stand
 * on the line before a block.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Sample {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language, lower case; `''` when the fence names none. */
  lang: string;
  code: string;
  /** `<!-- sample: skip REASON -->` before the block. */
  skip?: string;
  /** `<!-- sample: file NAME -->`: the file name other samples of the same page import it by. */
  fileName?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$/;
const MARKER = /^\s*<!--\s*sample:\s*(\w[\w-]*)\s*(.*?)\s*-->\s*$/;

/** Every `.md` file under `dir`, sorted, as absolute paths. */
export function markdownFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return markdownFiles(path);
      return name.endsWith('.md') ? [path] : [];
    });
}

/** The code blocks of one Markdown text; `file` only labels them. */
export function extractSamples(text: string, file: string): Sample[] {
  const lines = text.split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '```', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (isClosingFence(line, fence)) break;
      // A block indented in a list item: its lines carry the list's indentation.
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: code block is never closed`);
    const sample: Sample = { file, line: i + 1, lang: lang.toLowerCase(), code: body.join('\n') };
    const marker = previousNonBlank(lines, i);
    const parsed = marker === undefined ? null : MARKER.exec(marker);
    if (parsed) {
      const [, verb, rest = ''] = parsed;
      if (verb === 'skip') {
        if (!rest) throw new Error(`${file}:${i}: a skipped sample must say why`);
        sample.skip = rest;
      } else if (verb === 'file' && /^[\w.-]+$/.test(rest)) {
        sample.fileName = rest;
      } else {
        throw new Error(`${file}:${i}: unknown sample marker "${verb} ${rest}"`);
      }
    }
    samples.push(sample);
    i = j;
  }
  return samples;
}

/** A closing fence: only the opening fence's character, at least as many times. */
function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence[0]!.repeat(trimmed.length);
}

function previousNonBlank(lines: string[], index: number): string | undefined {
  for (let k = index - 1; k >= 0; k--) {
    const line = lines[k] ?? '';
    if (line.trim()) return line;
  }
  return undefined;
}

/** Every code block of every Markdown file under `docsDir`, labelled relative to `root`. */
export function docSamples(root: string, docsDir = join(root, 'docs')): Sample[] {
  return markdownFiles(docsDir).flatMap((path) =>
    extractSamples(readFileSync(path, 'utf8'), relative(root, path)),
  );
}
