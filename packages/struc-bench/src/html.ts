/**
 * H-Score for HTML, after the reference's `score/html_scores.py` (BeautifulSoup over lxml).
 *
 * Parsing uses htmlparser2 (lower-cased tags, entities decoded, implied end tags for `td`, `tr`,
 * `li`, `p`, no `tbody` inserted, as lxml does), plus the one lxml habit it lacks: a document that
 * starts with bare text gets that text, and the inline content after it, wrapped in a `<p>` until
 * the first block element; and a tag cut off at the end is completed or dropped as lxml does.
 *
 * The mode comes from the gold: a `table` (cells `th`/`td`), else `ul`, `ol` or `li` (cells
 * `li`), else any recognized tag with text. The structure string flattens the recognized tags.
 * The reference's flattener visits every *descendant* of a node and recurses into each recognized
 * one, so a tag nested k recognized levels deep is written k+1 times; reference mode reproduces
 * that, fixed mode writes each tag once (a walk over children).
 */
import { parseDocument } from 'htmlparser2';
import { difflibSimilarity, levenshteinSimilarity } from './sequence-matcher.js';
import type { HScore, ScoreMode } from './types.js';

export const RECOGNIZED_HTML_TAGS = new Set([
  'table', 'tr', 'th', 'td', 'ul', 'ol', 'li', 'div', 'span', 'p', 'a', 'img', 'embed', 'pre',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'input', 'button',
]);

export type HtmlNode = { type: 'el'; name: string; children: HtmlNode[] } | { type: 'text'; data: string };

interface DomLike { type: string; name?: string; data?: string; children?: DomLike[] }

function convert(n: DomLike): HtmlNode | null {
  if (n.type === 'text') return { type: 'text', data: n.data ?? '' };
  if (n.type === 'tag' || n.type === 'script' || n.type === 'style') {
    return { type: 'el', name: n.name!, children: (n.children ?? []).map(convert).filter((c): c is HtmlNode => c !== null) };
  }
  return null; // comments, doctypes, processing instructions
}

// Elements that end lxml's implied paragraph around leading text.
const BLOCKS = new Set(['table', 'ul', 'ol', 'li', 'div', 'p', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dl', 'blockquote', 'form', 'hr', 'section', 'article', 'header', 'footer', 'nav', 'address', 'fieldset', 'figure', 'main', 'tr', 'td', 'th']);

/**
 * A tag cut off at the end of the text (a truncated output), as lxml reads it: an open tag
 * `<td cl` is completed (closing an open quote), an end tag `</t` or a lone `<` is dropped.
 */
export function closeTruncatedTag(html: string): string {
  const open = /<[A-Za-z][^<>]*$/.exec(html);
  if (open) {
    const quotes = open[0].match(/["']/g) ?? [];
    const unclosed = quotes.length % 2 ? quotes[quotes.length - 1] : '';
    return `${html}${unclosed}>`;
  }
  return html.replace(/<\/[^<>]*$|<$/, '');
}

/** The document's top-level nodes, with lxml's implied `<p>` around leading text. */
export function parseHtml(html: string): HtmlNode[] {
  const doc = parseDocument(closeTruncatedTag(html), { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true }) as unknown as DomLike;
  const top = (doc.children ?? []).map(convert).filter((c): c is HtmlNode => c !== null);
  const first = top.findIndex((n) => n.type === 'el' || n.data.trim() !== '');
  if (first < 0 || top[first].type !== 'text') return top;
  let end = first;
  while (end < top.length && !(top[end].type === 'el' && BLOCKS.has((top[end] as { name: string }).name))) end++;
  return [...top.slice(0, first), { type: 'el', name: 'p', children: top.slice(first, end) }, ...top.slice(end)];
}

/** Every node under `nodes`, in document order (BeautifulSoup's `.descendants`). */
function descendants(nodes: HtmlNode[], out: HtmlNode[] = []): HtmlNode[] {
  for (const n of nodes) {
    out.push(n);
    if (n.type === 'el') descendants(n.children, out);
  }
  return out;
}

/** BeautifulSoup's `.text`: every text node below, concatenated. */
export function textOf(n: HtmlNode): string {
  return n.type === 'text' ? n.data : n.children.map(textOf).join('');
}

const elements = (nodes: HtmlNode[], names: Set<string>) =>
  descendants(nodes).filter((n): n is Extract<HtmlNode, { type: 'el' }> => n.type === 'el' && names.has(n.name));

/** The reference's flattener, repeats included. */
export function flattenReference(nodes: HtmlNode[]): string[] {
  const out: string[] = [];
  const rec = (children: HtmlNode[]) => {
    for (const d of descendants(children)) {
      if (d.type === 'el' && RECOGNIZED_HTML_TAGS.has(d.name)) {
        out.push(`<${d.name}>`);
        rec(d.children);
        out.push(`</${d.name}>`);
      }
    }
  };
  rec(nodes);
  return out;
}

/** Each recognized tag once, nested as in the document; other tags are transparent. */
export function flattenFixed(nodes: HtmlNode[]): string[] {
  const out: string[] = [];
  const rec = (children: HtmlNode[]) => {
    for (const c of children) {
      if (c.type !== 'el') continue;
      const known = RECOGNIZED_HTML_TAGS.has(c.name);
      if (known) out.push(`<${c.name}>`);
      rec(c.children);
      if (known) out.push(`</${c.name}>`);
    }
  };
  rec(nodes);
  return out;
}

export type HtmlMode = 'table' | 'ul' | 'ol' | 'li' | 'unknown';

export function htmlMode(gold: HtmlNode[]): { mode: HtmlMode; cells: Set<string> | null } {
  const has = (name: string) => elements(gold, new Set([name])).length > 0;
  if (has('table')) return { mode: 'table', cells: new Set(['th', 'td']) };
  for (const m of ['ul', 'ol', 'li'] as const) if (has(m)) return { mode: m, cells: new Set(['li']) };
  return { mode: 'unknown', cells: null };
}

function cellTexts(nodes: HtmlNode[], cells: Set<string> | null): string[] {
  if (cells) return elements(nodes, cells).map(textOf);
  return elements(nodes, RECOGNIZED_HTML_TAGS).map(textOf).filter((t) => t !== '');
}

export interface HtmlScore extends HScore { mode: HtmlMode; flat: { pred: string[]; gold: string[] } }

/** content = cells difflib + cells Levenshtein (max 2); structure = cell count match + structure Levenshtein + structure difflib (max 3). */
export function scoreHtml(pred: string, gold: string, opts: { mode?: ScoreMode } = {}): HtmlScore {
  const flatten = (opts.mode ?? 'reference') === 'reference' ? flattenReference : flattenFixed;
  const p = parseHtml(pred);
  const g = parseHtml(gold);
  const { mode, cells } = htmlMode(g);
  const tp = cellTexts(p, cells);
  const tg = cellTexts(g, cells);
  const fp = flatten(p);
  const fg = flatten(g);
  const sub = {
    num_cells_match: tp.length === tg.length ? 1 : 0,
    cells_text_levenshtein_score: levenshteinSimilarity(tp, tg),
    cells_text_difflib_score: difflibSimilarity(tp, tg),
    struct_levenshtein_score: levenshteinSimilarity(fp, fg),
    struct_difflib_score: difflibSimilarity(fp, fg),
  };
  return {
    content: sub.cells_text_difflib_score + sub.cells_text_levenshtein_score,
    structure: sub.num_cells_match + sub.struct_levenshtein_score + sub.struct_difflib_score,
    sub,
    mode,
    flat: { pred: fp, gold: fg },
  };
}
