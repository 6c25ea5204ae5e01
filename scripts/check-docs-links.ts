// The docs' link check (`npm run docs`, after TypeDoc): every relative link in README.md, CHANGELOG.md and
// docs/**/*.md must reach a file that exists, every #anchor a heading of the Markdown file it points into (GitHub's
// heading ids), and every page under docs/ must be linked from some other checked page. External links (http:,
// https:, mailto:) are not fetched. Exits 1 and lists each broken link as file:line.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function markdownUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The file's lines with fenced code blocks blanked and inline code removed, so code is never read as a link. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return '';
    }
    if (fence !== undefined) return '';
    return line.replace(/(`+)[\s\S]*?\1/g, '');
  });
}

/** A heading's id as GitHub renders it: the text, lowercased, without punctuation, spaces as hyphens; -1, -2 on repeats. */
function headingIds(text: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const plain = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*~]/g, '');
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.add(count ? `${base}-${count}` : base);
  }
  return ids;
}

const files = [join(ROOT, 'README.md'), join(ROOT, 'CHANGELOG.md'), ...markdownUnder(join(ROOT, 'docs'))].filter((f) => existsSync(f));
const idsOf = new Map<string, Set<string>>();
const ids = (file: string): Set<string> => {
  let found = idsOf.get(file);
  if (!found) idsOf.set(file, (found = headingIds(readFileSync(file, 'utf8'))));
  return found;
};

const problems: string[] = [];
const linkedTo = new Set<string>();
let links = 0;
for (const file of files) {
  const lines = proseLines(readFileSync(file, 'utf8'));
  lines.forEach((line, i) => {
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)].map((m) => m[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links++;
      const where = `${relative(ROOT, file)}:${i + 1}`;
      const [path = '', anchor] = target.split('#', 2);
      const into = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      if (!existsSync(into)) {
        problems.push(`${where}: ${target}: no such file ${relative(ROOT, into)}`);
        continue;
      }
      if (into !== file) linkedTo.add(into);
      if (anchor === undefined) continue;
      if (!into.endsWith('.md') || statSync(into).isDirectory()) continue;
      if (!ids(into).has(decodeURIComponent(anchor).toLowerCase())) {
        problems.push(`${where}: ${target}: ${relative(ROOT, into)} has no heading #${anchor}`);
      }
    }
  });
}
for (const file of files) {
  if (file.startsWith(join(ROOT, 'docs')) && !linkedTo.has(file)) problems.push(`${relative(ROOT, file)}: no checked page links to it`);
}

if (problems.length) {
  console.error(`docs: ${problems.length} broken link(s) in ${files.length} Markdown files:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`docs: ${links} relative links in ${files.length} Markdown files resolve`);
