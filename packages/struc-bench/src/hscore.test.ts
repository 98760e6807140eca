import { describe, expect, it } from 'vitest';
import { readGolden } from '@repro/core/testing';
import { scoreHtml } from './html.js';
import { scoreLatex } from './latex.js';
import { scoreTable } from './table.js';
import { scoreCorpus } from './corpus.js';
import { difflibSimilarity, levenshteinSimilarity, SequenceMatcher } from './sequence-matcher.js';
import { pySlice } from './pyslice.js';

type Case = { name: string; pred: string; gold: string };
type Vector = { name: string; sub_scores: Record<string, number>; content_H: number; structure_H: number; [k: string]: unknown };

const TOL = 1e-9;
function close(actual: number, expected: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(expected)));
}

function check(kind: 'table' | 'html' | 'latex', score: (p: string, g: string) => { content: number; structure: number; sub: Record<string, number> }) {
  const cases = readGolden<Case[]>(`struc-bench/${kind}_cases.json`);
  const vectors = readGolden<Vector[]>(`struc-bench/${kind}_vectors.json`);
  expect(cases.map((c) => c.name)).toEqual(vectors.map((v) => v.name));
  return cases.map((c, i) => {
    const v = vectors[i];
    const s = score(c.pred, c.gold);
    for (const [k, x] of Object.entries(v.sub_scores)) close(s.sub[k], x, `${c.name} ${k}`);
    expect(Object.keys(s.sub).sort()).toEqual(Object.keys(v.sub_scores).sort());
    close(s.content, v.content_H, `${c.name} content`);
    close(s.structure, v.structure_H, `${c.name} structure`);
    return { c, v, s };
  });
}

describe('primitives', () => {
  it('levenshtein and difflib similarity match the reference on strings and lists', () => {
    const prims = readGolden<{ structbench_primitives: { pred: string | string[]; gold: string | string[]; levenshtein_similarity: number; difflib_similarity: number }[] }>('structured-output/derived_vectors.json').structbench_primitives;
    for (const p of prims) {
      close(levenshteinSimilarity(p.pred, p.gold), p.levenshtein_similarity, `lev ${JSON.stringify(p)}`);
      close(difflibSimilarity(p.pred, p.gold), p.difflib_similarity, `difflib ${JSON.stringify(p)}`);
    }
  });

  it('SequenceMatcher.ratio reproduces Python difflib with and without autojunk on long sequences', () => {
    const v = readGolden<Record<string, { pred: string[]; gold: string[]; ratio_python_default: number; ratio_autojunk_false: number }>>('struc-bench/difflib_autojunk_vectors.json');
    for (const [name, x] of Object.entries(v)) {
      close(new SequenceMatcher(x.pred, x.gold).ratio(), x.ratio_python_default, `${name} autojunk`);
      close(new SequenceMatcher(x.pred, x.gold, false).ratio(), x.ratio_autojunk_false, `${name} no autojunk`);
    }
    // the two must differ somewhere, or the heuristic is not exercised
    expect(Object.values(v).some((x) => x.ratio_python_default !== x.ratio_autojunk_false)).toBe(true);
  });

  it('finds the longest match with difflib\'s tie rule', () => {
    const m = new SequenceMatcher(' abcd', 'abcd abcd');
    expect(m.findLongestMatch(0, 5, 0, 9)).toEqual([0, 4, 5]);
    expect(new SequenceMatcher('abxcd', 'abcd').matchingBlocks()).toEqual([[0, 0, 2], [3, 2, 2]]);
  });

  it('pySlice follows Python slicing with negative indices', () => {
    expect(pySlice('abcdef', -1)).toBe('f');
    expect(pySlice('abcdef', undefined, -1)).toBe('abcde');
    expect(pySlice('abcdef', 2, 0)).toBe('');
    expect(pySlice('abc', -10, 2)).toBe('ab');
  });
});

describe('H-Score, reference mode, against every golden case', () => {
  it('raw text tables (sub-scores, H-Scores and parsed artifacts)', () => {
    for (const { c, v, s } of check('table', (p, g) => scoreTable(p, g))) {
      expect((scoreTable(c.pred, c.gold).artifacts.pred), c.name).toEqual(v.artifacts_pred);
      expect(s.sub).toBeDefined();
    }
  });

  it('HTML (including the repeated nested tags of the flattener)', () => {
    for (const { c, v } of check('html', (p, g) => scoreHtml(p, g))) {
      if (v.flat_gold) expect(scoreHtml(c.pred, c.gold).flat.gold, c.name).toEqual(v.flat_gold);
    }
  });

  it('LaTeX (the alignment string always empty, macros dropped with their groups)', () => {
    for (const { c, v } of check('latex', (p, g) => scoreLatex(p, g))) {
      const s = scoreLatex(c.pred, c.gold);
      expect(s.artifacts.gold, c.name).toEqual(v.artifacts_gold);
      expect(s.artifacts.pred, c.name).toEqual(v.artifacts_pred);
    }
  });
});

describe('fixed mode corrects each quirk and nothing else', () => {
  const table = readGolden<Case[]>('struc-bench/table_cases.json');
  it('a missing Player section no longer cuts the Team table short', () => {
    const t5 = table.find((c) => c.name === 'T5_no_player_section')!;
    expect(scoreTable(t5.pred, t5.gold).artifacts.pred.team.data_rows[1]).toEqual(['Magic', '19', '41']);
    expect(scoreTable(t5.pred, t5.gold, { mode: 'fixed' }).artifacts.pred.team.data_rows[1]).toEqual(['Magic', '19', '41', '88']);
    const t1 = table.find((c) => c.name === 'T1_identical')!;
    expect(scoreTable(t1.pred, t1.gold, { mode: 'fixed' })).toMatchObject({ content: 2, structure: 4 });
  });

  it('the HTML flattener writes each tag once', () => {
    const flat = scoreHtml('<table><tr><td>a</td></tr></table>', '<table><tr><td>a</td></tr></table>', { mode: 'fixed' }).flat.gold;
    expect(flat).toEqual(['<table>', '<tr>', '<td>', '</td>', '</tr>', '</table>']);
    expect(scoreHtml('<table><tr><td>a</td></tr></table>', '<table><tr><td>a</td></tr></table>').flat.gold.length).toBeGreaterThan(6);
  });

  it('the LaTeX alignment comes from the column spec', () => {
    const latex = readGolden<Case[]>('struc-bench/latex_cases.json');
    const l2 = latex.find((c) => c.name === 'L2_alignment_differs')!;
    const fixed = scoreLatex(l2.pred, l2.gold, { mode: 'fixed' });
    expect(fixed.artifacts.gold.tabular_alignment_string).toBe('|l|c|r|');
    expect(fixed.artifacts.pred.tabular_alignment_string).toBe('lll');
    expect(fixed.sub.alignment_levenshtein_score).toBeCloseTo(1 - 6 / 14, 12);
    expect(scoreLatex(l2.pred, l2.gold).sub.alignment_levenshtein_score).toBe(0);
    expect(scoreLatex('\\begin{tabular}{p{2cm}l}a & b\\end{tabular}', '', { mode: 'fixed' }).artifacts.pred.tabular_alignment_string).toBe('pl');
  });
});

describe('scoreCorpus', () => {
  it('averages per-pair scores and sub-scores, and refuses unpaired files', () => {
    const cases = readGolden<Case[]>('struc-bench/html_cases.json');
    const vectors = readGolden<Vector[]>('struc-bench/html_vectors.json');
    const c = scoreCorpus('html', cases.map((x) => x.pred), cases.map((x) => x.gold));
    close(c.content, vectors.reduce((a, v) => a + v.content_H, 0) / vectors.length, 'corpus content');
    close(c.sub.num_cells_match, vectors.reduce((a, v) => a + v.sub_scores.num_cells_match, 0) / vectors.length, 'corpus sub');
    expect(() => scoreCorpus('html', ['a'], [])).toThrow(/pair line by line/);
  });

  it('reads prediction and reference files as the reference scripts do', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { readCorpusFiles } = await import('./corpus.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-corpus-'));
    const f = (n: string, t: string) => { const p = path.join(dir, n); writeFileSync(p, t); return p; };
    const preds = f('pred.txt', '<ul><li>a</li></ul>\n<ul><li>b</li></ul>');
    const r = readCorpusFiles(preds, f('ref.json', JSON.stringify([{ output: '<ul><li>a</li></ul>' }, { output: '<ul><li>c</li></ul>' }])));
    expect(r.preds).toEqual(['<ul><li>a</li></ul>\n', '<ul><li>b</li></ul>']);
    expect(r.golds).toHaveLength(2);
    expect(scoreCorpus('html', r.preds, r.golds).perItem[0].sub.cells_text_difflib_score).toBe(1);
    expect(readCorpusFiles(preds, f('ref.txt', 'x\ny\n')).golds).toEqual(['x\n', 'y\n']);
    expect(() => readCorpusFiles(preds, f('ref.csv', ''))).toThrow(/must end in .txt, .data or .json/);
    expect(() => readCorpusFiles(preds, f('bad.json', '[{"out": 1}]'))).toThrow(/item 0 has no string "output"/);
    expect(() => readCorpusFiles(preds, f('broken.json', '[{"output": "a"},\n {"output": }]'))).toThrow(/broken.json: not JSON: line 2, column 13/);
    // The scoring scripts read only `output`: a reference file without inputs is fine.
    expect(readCorpusFiles(preds, f('outputs-only.json', '[{"output": "a"}, {"output": "b", "input": "x"}]')).golds).toEqual(['a', 'b']);
  });
});

describe('truncated outputs are read as the reference libraries read them', () => {
  // Checked against BeautifulSoup 4 + lxml and pylatexenc 2.10 on 3,888 corrupted tables (see README).
  it('HTML: a cut-off open tag is completed, a cut-off end tag or lone < dropped', async () => {
    const { parseHtml, textOf } = await import('./html.js');
    const cells = (h: string) => JSON.stringify(parseHtml(h)).match(/"name":"td"/g)?.length ?? 0;
    expect(cells('<table><tr><td>a</td><td')).toBe(2);
    expect(cells('<table><tr><td>a</td><td class="x')).toBe(2);
    expect(cells('<table><tr><td>a</td></')).toBe(1);
    expect(textOf(parseHtml('<table><tr><td>a</td><')[0])).toBe('a');
    expect(parseHtml('Here: <table></table>')[0]).toMatchObject({ type: 'el', name: 'p' });
  });

  it('LaTeX: a cut-off \\end stays as text in the last row; a trailing backslash adds nothing', async () => {
    const { latexArtifacts } = await import('./latex.js');
    expect(latexArtifacts('\\begin{tabular}{ll} a & b \\\\ \\hline\\end').data_table).toEqual([['a', 'b'], ['\\end']]);
    expect(latexArtifacts('\\begin{tabular}{ll} a & b \\\\ \\hline\\end{ta').data_table).toEqual([['a', 'b'], ['\\end']]);
    expect(latexArtifacts('\\begin{tabular}{ll} a & b \\').data_table).toEqual([['a', 'b']]);
  });
});

describe('bit-parallel Levenshtein', () => {
  it('equals the dynamic programme on random sequences of every length class', async () => {
    const { levenshtein, levenshteinDp } = await import('./sequence-matcher.js');
    const { Rng } = await import('@repro/core');
    const rng = new Rng(11, 'lev');
    for (let t = 0; t < 300; t++) {
      const n = rng.int(t < 200 ? 70 : 300);
      const m = rng.int(t < 200 ? 70 : 300);
      const k = 1 + rng.int(t % 3 === 0 ? 2 : 12);
      const a = Array.from({ length: n }, () => String(rng.int(k)));
      const b = Array.from({ length: m }, () => String(rng.int(k)));
      expect(levenshtein(a, b), `${n}x${m} over ${k} tokens`).toBe(levenshteinDp(a, b));
    }
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });
});
