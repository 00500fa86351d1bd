// Finds the repository files a comment or a document names, so a test can fail when one of them
// does not exist (a renamed module, a test file that was never written, a page that lives in
// another repository). Precise on purpose: only words that look like this project's paths count.
import * as path from "node:path";
import * as ts from "typescript";

/**
 * Extensions of the files this project writes; a word must end in one of them to be a path.
 * Not .conf, .sh or .json: those words name files inside images (nginx's includes, Throat's
 * start script) or files a reader makes (`out.json`), never files of this repository.
 */
const PATH_EXTENSIONS = ["ts", "mjs", "js", "yaml", "yml", "md", "txt", "py"];

/**
 * A word without a folder is a path only when it looks like one of this project's own files: a
 * TypeScript module (`names.ts`), or a document or stack file named the way this repository
 * names them (`README.md`, `BENCHMARKS.md`, `Pulumi.prod.yaml`). Lower-case bare names such as
 * `deploy.md`, `throat.py` or `index.js` are other projects' files.
 */
const BARE_PROJECT_NAME = /^(?:[\w-]+\.m?ts|[A-Z][A-Z0-9_-]*\.md|Pulumi(?:\.[\w-]+)?\.yaml)$/;

/** Bare names the code cites that live in a dependency, with where. */
export const EXTERNAL_FILES: Record<string, string> = {
  "proxy.d.ts": "@pulumi/policy's typings of its run-time exports",
};

export interface FileReference {
  /** The word as written, e.g. `components/plan/names.ts`. */
  path: string;
  /** 1-based line in the file that names it. */
  line: number;
}

// A path word: optional folders, a name, a known extension; not preceded by a character that
// makes it part of a URL, an absolute path, a template (`$x/`, `<kind>/`) or a longer word.
const WORD = new RegExp(
  String.raw`(?<![\w./:$<>{}@~-])((?:[\w.-]+/)*[\w-][\w.-]*\.(?:${PATH_EXTENSIONS.join("|")}))(?![\w/-])`,
  "g",
);

/** Every path-like word in `text` with its line, `lineOffset` lines into its file. */
export function pathWords(text: string, lineOffset = 0): FileReference[] {
  const found: FileReference[] = [];
  text.split("\n").forEach((lineText, i) => {
    for (const m of lineText.matchAll(WORD)) found.push({ path: m[1]!, line: lineOffset + i + 1 });
  });
  return found;
}

/** The comments of a TypeScript or JavaScript source, each with the line it starts on. */
export function comments(fileName: string, text: string): Array<{ text: string; line: number }> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const out: Array<{ text: string; line: number }> = [];
  const collect = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.push({ text: text.slice(r.pos, r.end), line: source.getLineAndCharacterOfPosition(r.pos).line });
    }
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()));
  return out;
}

/** The path words a file names: in comments for code, in the whole text for YAML and Markdown. */
export function referencesIn(fileName: string, text: string): FileReference[] {
  if (/\.(?:ts|mjs|js)$/.test(fileName)) return comments(fileName, text).flatMap((c) => pathWords(c.text, c.line));
  return pathWords(text);
}

/**
 * Whether a word is a reference to check: a bare project-style name, or a path whose first
 * folder is a folder of this repository (so `flask_caching/__init__.py` or `config/vars.js`,
 * files of other packages, are not). `../` paths are always checked; `./x` is checked as `x`
 * (`./throat.py route list` is a command in the Throat image, not a file here).
 */
export function isProjectPath(word: string, folders: ReadonlySet<string>): boolean {
  if (word.startsWith("../")) return true;
  if (word.startsWith("./")) return isProjectPath(word.slice(2), folders);
  const slash = word.indexOf("/");
  if (slash < 0) return BARE_PROJECT_NAME.test(word) && !(word in EXTERNAL_FILES);
  return folders.has(word.slice(0, slash));
}

/**
 * Whether `word`, written in `file`, names a tracked file: relative to `file` for `../`;
 * otherwise the path from the root, or from a folder the reader is in (`plan/workers.ts` in
 * components/, `diff/planDiff.ts` beside scripts/): some tracked file ends with it. A bare name
 * must be the name of a tracked file.
 */
export function resolves(word: string, file: string, tracked: readonly string[]): boolean {
  if (word.startsWith("../")) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), word));
    return tracked.includes(target);
  }
  const clean = word.replace(/^\.\//, "");
  return tracked.some((f) => f === clean || f.endsWith(`/${clean}`));
}

/** Every folder name that appears in a tracked path outside test fixtures (other projects' trees). */
export function projectFolders(tracked: readonly string[]): Set<string> {
  const folders = new Set<string>();
  for (const f of tracked) {
    if (f.startsWith("test/fixtures/")) continue;
    for (const part of f.split("/").slice(0, -1)) folders.add(part);
  }
  return folders;
}

/** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown document's headings (outside code blocks). */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  let fence = false;
  for (const line of text.split("\n")) {
    if (/^```/.test(line)) fence = !fence;
    const m = !fence && /^#{1,6} (.+)$/.exec(line);
    if (m) anchors.add(headingAnchor(m[1]!));
  }
  return anchors;
}

/** Markdown links `[text](target)` to this repository (not URLs), each with its line. */
export function markdownLinks(text: string): FileReference[] {
  const found: FileReference[] = [];
  text.split("\n").forEach((lineText, i) => {
    for (const m of lineText.matchAll(/\]\(([^)\s]+)\)/g))
      if (!/^[a-z][a-z+.-]*:/i.test(m[1]!)) found.push({ path: m[1]!, line: i + 1 });
  });
  return found;
}

/**
 * Whether a Markdown link in `file` leads somewhere: as a browser follows it, from the
 * document's own folder (a docs/ page's `alarms.md` is docs/alarms.md, never a file of that name
 * elsewhere), and to a heading of the target when it has an anchor and the target is in `files`.
 */
export function linkResolves(link: string, file: string, files: Record<string, string>, tracked: readonly string[]) {
  const [target, anchor] = link.split("#", 2) as [string, string | undefined];
  const resolved = target ? path.posix.normalize(path.posix.join(path.posix.dirname(file), target)) : file;
  const isFolder = tracked.some((f) => f.startsWith(`${resolved.replace(/\/$/, "")}/`));
  if (!tracked.includes(resolved) && !isFolder) return false;
  const text = files[resolved];
  return !anchor || text === undefined || !resolved.endsWith(".md") || headingAnchors(text).has(anchor);
}

/**
 * Every reference in `files` (path -> text) that names no tracked file, as `file:line: word`;
 * for Markdown also every link that leads nowhere (a missing file or heading).
 */
export function deadReferences(files: Record<string, string>, tracked: readonly string[]): string[] {
  const dead = new Set<string>();
  const folders = projectFolders(tracked);
  for (const [file, text] of Object.entries(files)) {
    for (const ref of referencesIn(file, text)) {
      if (!isProjectPath(ref.path, folders)) continue;
      if (!resolves(ref.path, file, tracked)) dead.add(`${file}:${ref.line}: ${ref.path}`);
    }
    if (!file.endsWith(".md")) continue;
    for (const link of markdownLinks(text))
      if (!linkResolves(link.path, file, files, tracked)) dead.add(`${file}:${link.line}: ${link.path}`);
  }
  return [...dead];
}
