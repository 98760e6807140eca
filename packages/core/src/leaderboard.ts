/**
 * Leaderboards built from result records: a long CSV (one row per suite, profile, dataset, arm and
 * metric), one Markdown table per suite and profile (arms as rows, metrics as columns,
 * `mean ± ci95 (n)`), and an HTML page whose every cell links to the records behind it.
 * Output is sorted and carries no timestamps, so a rebuild from the same records is byte-identical.
 */
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { summarize } from './metrics/stats.js';
import { listRecordFiles, readRecord, type ResultRecord } from './results/record.js';
import { writeAtomic } from './results/atomic.js';

export interface SuiteMeta {
  id: string;
  version: number;
  title?: string;
  /** false where each arm measures a different thing: no best is marked. */
  rankArms?: boolean;
  /**
   * Arms measured outside this code (another library's run, given for context): labelled as
   * external references in the tables and never marked best.
   */
  externalArms?: string[];
  metrics: { name: string; higherIsBetter: boolean; label?: string }[];
}

export interface LeaderboardRow {
  suite: string; version: number; profile: string; dataset: string; arm: string; metric: string; higherIsBetter: boolean;
  n: number; mean: number; sd: number; ci95Low: number; ci95High: number; backend: string; gitSha: string; records: string[];
}

export interface Leaderboard { rows: LeaderboardRow[]; csv: string; markdown: string; html: string; skipped: string[]; sections: { suite: string; text: string }[] }

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

export function buildLeaderboard(records: { file: string; record: ResultRecord }[], suites: SuiteMeta[], root: string): Leaderboard {
  const skipped: string[] = [];
  const groups = new Map<string, { meta: SuiteMeta; profile: string; dataset: string; arm: string; recs: { file: string; record: ResultRecord }[] }>();
  for (const r of records) {
    const meta = suites.find((s) => s.id === r.record.suite.id);
    if (!meta) { skipped.push(`${path.relative(root, r.file)}: suite ${r.record.suite.id} has no spec`); continue; }
    if (meta.version !== r.record.suite.version) { skipped.push(`${path.relative(root, r.file)}: suite version ${r.record.suite.version}, current is ${meta.version}`); continue; }
    if (r.record.status !== 'ok') { skipped.push(`${path.relative(root, r.file)}: status ${r.record.status}`); continue; }
    const key = [meta.id, r.record.profile, r.record.dataset.id, r.record.arm].join('\0');
    if (!groups.has(key)) groups.set(key, { meta, profile: r.record.profile, dataset: r.record.dataset.id, arm: r.record.arm, recs: [] });
    groups.get(key)!.recs.push(r);
  }

  const rows: LeaderboardRow[] = [];
  for (const g of groups.values()) {
    const backends = [...new Set(g.recs.map((r) => `${r.record.env.backend.name}@${r.record.env.backend.version}`))].sort().join(';');
    const shas = [...new Set(g.recs.map((r) => (r.record.env.git.sha ?? 'unknown').slice(0, 10) + (r.record.env.git.dirty ? '+dirty' : '')))].sort().join(';');
    for (const m of g.meta.metrics) {
      const vals = g.recs.map((r) => r.record.metrics[m.name]).filter((v): v is number => typeof v === 'number');
      if (!vals.length) continue;
      const s = summarize(vals);
      rows.push({
        suite: g.meta.id, version: g.meta.version, profile: g.profile, dataset: g.dataset, arm: g.arm, metric: m.name,
        higherIsBetter: m.higherIsBetter, n: s.n, mean: s.mean, sd: s.sd, ci95Low: s.ci95[0], ci95High: s.ci95[1],
        backend: backends, gitSha: shas, records: g.recs.map((r) => path.relative(root, r.file)).sort(),
      });
    }
  }
  rows.sort((a, b) => cmp(a.suite, b.suite) || cmp(a.profile, b.profile) || cmp(a.dataset, b.dataset) || cmp(a.arm, b.arm) || cmp(a.metric, b.metric));
  const sections = suiteSections(rows, suites);
  return { rows, csv: toCsv(rows), markdown: toMarkdown(sections), html: toHtml(rows, suites), skipped, sections };
}

function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

function toCsv(rows: LeaderboardRow[]): string {
  return stringify(rows.map((r) => [r.suite, r.version, r.profile, r.dataset, r.arm, r.metric, String(r.higherIsBetter), r.n, round(r.mean), round(r.sd),
    round(r.ci95Low), round(r.ci95High), r.backend, r.gitSha, r.records.join(';')]), {
    header: true,
    columns: ['suite', 'version', 'profile', 'dataset', 'arm', 'metric', 'higherIsBetter', 'n', 'mean', 'sd', 'ci95_low', 'ci95_high', 'backend', 'git_sha', 'records'],
  });
}

/** Significant digits enough to tell arms apart without noise: 4 for most values. */
export function formatCell(r: Pick<LeaderboardRow, 'mean' | 'ci95High' | 'n'>): string {
  const f = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toPrecision(4) : v.toPrecision(3));
  const half = r.ci95High - r.mean;
  return r.n > 1 ? `${f(r.mean)} ± ${f(half)} (${r.n})` : `${f(r.mean)} (${r.n})`;
}

interface Table { suite: SuiteMeta; profile: string; datasets: string[]; cells: Map<string, LeaderboardRow>; keys: string[] }

function tables(rows: LeaderboardRow[], suites: SuiteMeta[]): Table[] {
  const out = new Map<string, Table>();
  for (const r of rows) {
    const id = `${r.suite}\0${r.profile}`;
    if (!out.has(id)) out.set(id, { suite: suites.find((s) => s.id === r.suite)!, profile: r.profile, datasets: [], cells: new Map(), keys: [] });
    const t = out.get(id)!;
    const rowKey = `${r.dataset}\0${r.arm}`;
    if (!t.keys.includes(rowKey)) t.keys.push(rowKey);
    if (!t.datasets.includes(r.dataset)) t.datasets.push(r.dataset);
    t.cells.set(`${rowKey}\0${r.metric}`, r);
  }
  return [...out.values()];
}

const isExternal = (suite: SuiteMeta, arm: string) => suite.externalArms?.includes(arm) ?? false;

/** How a table names an arm: external references say so. */
const armLabel = (suite: SuiteMeta, arm: string) => (isExternal(suite, arm) ? `${arm} (external reference)` : arm);

/**
 * For each dataset and metric, the arm with the best mean among this code's arms; none where those
 * arms' means are over different numbers of seeds (a run still under way: one seed's value is not
 * ranked against three seeds' mean).
 */
function best(t: Table): Set<string> {
  const winners = new Set<string>();
  if (t.suite.rankArms === false) return winners;
  for (const d of t.datasets) for (const m of t.suite.metrics) {
    const ranked = t.keys.filter((k) => k.startsWith(`${d}\0`) && !isExternal(t.suite, k.split('\0')[1]))
      .map((k) => t.cells.get(`${k}\0${m.name}`)).filter((c): c is LeaderboardRow => c !== undefined);
    if (ranked.length < 2 || new Set(ranked.map((c) => c.n)).size > 1) continue;
    const top = ranked.reduce((a, c) => (m.higherIsBetter ? c.mean > a.mean : c.mean < a.mean) ? c : a);
    winners.add(`${d}\0${top.arm}\0${m.name}`);
  }
  return winners;
}

/** One Markdown table (with its heading) per suite and profile, keyed by suite id. */
function suiteSections(rows: LeaderboardRow[], suites: SuiteMeta[]): { suite: string; text: string }[] {
  return tables(rows, suites).map((t) => {
    const metrics = t.suite.metrics.filter((m) => t.keys.some((k) => t.cells.has(`${k}\0${m.name}`)));
    const win = best(t);
    const lines = [`## ${t.suite.id} v${t.suite.version} (${t.profile})`, ''];
    if (t.suite.title) lines.push(t.suite.title, '');
    lines.push(`| dataset | arm | ${metrics.map((m) => `${m.label ?? m.name} ${m.higherIsBetter ? '↑' : '↓'}`).join(' | ')} |`);
    lines.push(`|---|---|${metrics.map(() => '---:').join('|')}|`);
    for (const k of t.keys) {
      const [dataset, arm] = k.split('\0');
      const cells = metrics.map((m) => {
        const c = t.cells.get(`${k}\0${m.name}`);
        if (!c) return '';
        const text = formatCell(c);
        return win.has(`${dataset}\0${arm}\0${m.name}`) ? `**${text}**` : text;
      });
      lines.push(`| ${dataset} | ${armLabel(t.suite, arm)} | ${cells.join(' | ')} |`);
    }
    const any = [...t.cells.values()];
    lines.push('', `Backend: ${[...new Set(any.map((c) => c.backend))].join(', ')}. Code: ${[...new Set(any.map((c) => c.gitSha))].join(', ')}.`, '');
    return { suite: t.suite.id, text: lines.join('\n') };
  });
}

function toMarkdown(sections: { text: string }[]): string {
  return ['# Leaderboard', '',
    'Built by `repro leaderboard` from the records under `results/records/`; do not edit by hand.',
    'Each cell is the mean over seeds ± the half-width of its 95% interval (t distribution, sample sd), with n in brackets.',
    'Arrows give the better direction; the best mean per dataset and metric is in bold (external references, run outside this code, are never marked; nothing is marked where the arms have means over different numbers of seeds).', '',
    ...sections.map((x) => x.text)].join('\n');
}

/**
 * Replaces the text between `<!-- leaderboard:<suite> -->` and `<!-- /leaderboard:<suite> -->` in
 * a document (a package README) with that suite's current tables; returns the new text.
 */
export function fillLeaderboardMarkers(doc: string, lb: Pick<Leaderboard, 'sections'>): string {
  return doc.replace(/<!-- leaderboard:([a-z0-9-]+) -->[\s\S]*?<!-- \/leaderboard:\1 -->/g, (_m, id: string) => {
    const body = lb.sections.filter((x) => x.suite === id).map((x) => x.text.replace(/^## /, '### ')).join('\n');
    return `<!-- leaderboard:${id} -->\n${body || `No records yet for ${id}: run \`npx repro run ${id}\`.\n`}<!-- /leaderboard:${id} -->`;
  });
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function toHtml(rows: LeaderboardRow[], suites: SuiteMeta[]): string {
  const parts = ['<!doctype html><html><head><meta charset="utf-8"><title>repro leaderboard</title>',
    '<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}td.best{font-weight:bold}</style>',
    '</head><body><h1>repro leaderboard</h1><p>Mean ± 95% interval half-width (n seeds). Every cell links to the records it was computed from.</p>'];
  for (const t of tables(rows, suites)) {
    const metrics = t.suite.metrics.filter((m) => t.keys.some((k) => t.cells.has(`${k}\0${m.name}`)));
    const win = best(t);
    parts.push(`<h2>${esc(t.suite.id)} v${t.suite.version} (${esc(t.profile)})</h2><table><tr><th>dataset</th><th>arm</th>`);
    parts.push(metrics.map((m) => `<th>${esc(m.label ?? m.name)} ${m.higherIsBetter ? '↑' : '↓'}</th>`).join('') + '</tr>');
    for (const k of t.keys) {
      const [dataset, arm] = k.split('\0');
      parts.push(`<tr><td>${esc(dataset)}</td><td>${esc(armLabel(t.suite, arm))}</td>`);
      for (const m of metrics) {
        const c = t.cells.get(`${k}\0${m.name}`);
        if (!c) { parts.push('<td></td>'); continue; }
        const links = c.records.map((r, i) => `<a href="${esc(r)}">${i + 1}</a>`).join(' ');
        parts.push(`<td class="n${win.has(`${dataset}\0${arm}\0${m.name}`) ? ' best' : ''}">${esc(formatCell(c))}<br><small>${links}</small></td>`);
      }
      parts.push('</tr>');
    }
    parts.push('</table>');
  }
  parts.push('</body></html>\n');
  return parts.join('\n');
}

/** Reads every record under `root`/records, builds the leaderboard, writes the three files atomically. */
export function writeLeaderboard(root: string, suites: SuiteMeta[]): Leaderboard & { files: string[] } {
  const problems: string[] = [];
  const records = listRecordFiles(root).flatMap((file) => {
    try { return [{ file, record: readRecord(file) }]; } catch (e) { problems.push((e as Error).message); return []; }
  });
  const lb = buildLeaderboard(records, suites, root);
  const files = [['LEADERBOARD.md', lb.markdown], ['leaderboard.csv', lb.csv], ['leaderboard.html', lb.html]].map(([name, text]) => {
    const file = path.join(root, name);
    writeAtomic(file, text);
    return file;
  });
  return { ...lb, skipped: [...problems, ...lb.skipped], files };
}
