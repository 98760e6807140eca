import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSharedMirror } from '@repro/core/testing';
import { parseJudgeReply, pScore, renderHtml, renderLatex, renderText, type TableDoc } from '@repro/struc-bench';
import { OpenAIProvider } from '../providers/openai.js';
import { armConfig, listSuites } from '../spec.js';
import { generationArm, providerChat, readStrucBenchFile, sensitivityArm } from './strucbench.js';
import type { ArmContext } from './types.js';

const mirror = useSharedMirror();

function ctx(suiteId: string, armId: string, dataset?: string): ArmContext {
  const suite = listSuites().find((s) => s.id === suiteId)!;
  const arm = suite.arms.find((a) => a.id === armId)!;
  return { suite, arm, dataset: dataset ?? suite.datasets[0], seed: 1, profile: 'quick', config: armConfig(suite, arm, 'quick'), log: () => {} };
}

const doc: TableDoc = {
  first: { caption: 'Teams', header: ['', 'Wins', 'Losses'], rows: [['Hawks', '46', '12'], ['Magic', '19', '41']] },
  second: { caption: 'Players', header: ['', 'Points'], rows: [['Al Horford', '17']] },
};

/**
 * A loopback model: generation requests get the gold back for items whose input says "copy", a
 * broken table otherwise; judge requests (system message of the judge) get a fenced verdict, except
 * for one pair where one order answers prose.
 */
let server: Server;
const judged: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = JSON.parse(raw) as { messages: { role: string; content: string }[]; temperature: number };
      const user = body.messages.at(-1)!.content;
      let content: string;
      if (body.messages[0].role === 'system') {
        judged.push(user);
        content = user.includes('NOJSON') ? 'They look similar.' : 'Reasoning...\n```json\n{"content_similarity": 8, "structural_similarity": 6}\n```';
      } else if (user.includes('copy')) {
        content = user.includes('HTML') ? renderHtml(doc) : user.includes('LaTeX') ? renderLatex(doc) : renderText(doc);
      } else {
        content = 'Team: | broken';
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => server.close());
const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

describe('P-Score judge', () => {
  it('parses fenced verdicts only, as the reference does', () => {
    expect(parseJudgeReply('x ```json\n{"content_similarity": 7, "structural_similarity": 9}\n``` y')).toEqual({ content_similarity: 7, structural_similarity: 9 });
    expect(parseJudgeReply('{"content_similarity": 7, "structural_similarity": 9}')).toBeNull();
    expect(parseJudgeReply('```json\n{"content_similarity": 7}\n```')).toBeNull();
    expect(parseJudgeReply('```json\n{"content_similarity": "7", "structural_similarity": 9}\n```')).toBeNull();
    expect(parseJudgeReply('```json\n{"content_similarity": 7, "structural_similarity": 9')).toBeNull();
  });

  it('judges both orders at temperature 0.1 through the openai provider and drops pairs with an unparsed order', async () => {
    judged.length = 0;
    const judge = new OpenAIProvider({ baseUrl: base(), model: 'judge', temperature: 0.1, maxTokens: 1333, cacheDir: null, retries: 0 });
    const p = await pScore('latex', ['A', 'B NOJSON'], ['G1', 'G2'], providerChat(judge));
    expect(judged).toHaveLength(4);
    expect(judged[0].startsWith(': We want to evaluate how similar the following LaTeX tables are.')).toBe(true);
    expect(judged.some((j) => j.indexOf('G1') < j.indexOf('A'))).toBe(true);
    expect(p).toMatchObject({ content: 8, structure: 6, pairs: 2, judgedPairs: 1 });
  });
});

describe('strucbench-generation', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'repro-strucbench-'));
  beforeAll(() => {
    const items = (fmt: string) => [{ instruction: `Make ${fmt}.`, input: 'copy: Hawks 46-12, Magic 19-41; Al Horford 17 points' }, { input: 'something else' }]
      .map((x) => ({ ...x, output: fmt === 'HTML' ? renderHtml(doc) : fmt === 'LaTeX' ? renderLatex(doc) : renderText(doc) }));
    writeFileSync(path.join(dir, 'table_test.json'), JSON.stringify(items('a text table')));
    writeFileSync(path.join(dir, 'html_test.json'), JSON.stringify(items('HTML')));
    writeFileSync(path.join(dir, 'latex_test.json'), JSON.stringify(items('LaTeX')));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify([{ input: 1 }]));
  });
  afterAll(() => { for (const k of ['REPRO_STRUCBENCH_DATA', 'REPRO_OPENAI_BASE_URL', 'REPRO_OPENAI_MODEL', 'REPRO_RESULTS', 'REPRO_CACHE']) delete process.env[k]; });

  it('is skipped with directions when the files or the endpoint are missing', () => {
    delete process.env.REPRO_STRUCBENCH_DATA;
    expect(generationArm.unavailable!()).toMatch(/REPRO_STRUCBENCH_DATA/);
    process.env.REPRO_STRUCBENCH_DATA = dir;
    delete process.env.REPRO_OPENAI_BASE_URL;
    expect(generationArm.unavailable!()).toMatch(/REPRO_OPENAI_BASE_URL/);
  });

  it('reads the test files and names the item that is malformed', () => {
    expect(readStrucBenchFile(path.join(dir, 'html_test.json'))).toHaveLength(2);
    expect(() => readStrucBenchFile(path.join(dir, 'bad.json'))).toThrow(/item 0 has no string "output"/);
    writeFileSync(path.join(dir, 'bad-input.json'), JSON.stringify([{ input: 'x', output: 'a' }, { input: 1, output: 'b' }]));
    expect(() => readStrucBenchFile(path.join(dir, 'bad-input.json'))).toThrow(/item 1: "input" must be a string/);
    writeFileSync(path.join(dir, 'no-input.json'), JSON.stringify([{ output: 'a' }]));
    expect(() => readStrucBenchFile(path.join(dir, 'no-input.json'))).toThrow(/item 0 has no string "input" to prompt with/);
  });

  it('generates, scores with H-Score in both modes and with the P-Score judge', async () => {
    Object.assign(process.env, {
      REPRO_STRUCBENCH_DATA: dir, REPRO_OPENAI_BASE_URL: base(), REPRO_OPENAI_MODEL: 'gen',
      REPRO_RESULTS: mkdtempSync(path.join(tmpdir(), 'repro-res-')), REPRO_CACHE: mkdtempSync(path.join(tmpdir(), 'repro-cache-')),
    });
    expect(generationArm.unavailable!()).toBeNull();
    const c = ctx('strucbench-generation', 'latex-formatcot');
    const r = await generationArm.run({ ...c, config: { ...c.config, judge: true } });
    // one perfect copy (content 3, structure 3 in reference mode) and one broken output (no tabular)
    expect(r.metrics.n).toBe(2);
    expect(r.metrics.content_ref).toBeCloseTo((3 + 0.5) / 2, 12);
    expect(r.metrics.structure_fixed).toBeGreaterThan(r.metrics.structure_ref! - 1);
    expect(r.metrics).toMatchObject({ p_content: 8, p_structure: 6, failed_requests: 0 });
    expect(r.config).toMatchObject({ prompt: 'formatcot', format: 'latex' });
    const lines = readFileSync(path.join(process.env.REPRO_RESULTS!, r.artifacts![0]), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
  });
});

describe.skipIf(!mirror)('strucbench-sensitivity', () => {
  it('scores every corruption and strength in both modes, from real rows, and writes the plot', async () => {
    process.env.REPRO_RESULTS = mkdtempSync(path.join(tmpdir(), 'repro-sens-'));
    const c = ctx('strucbench-sensitivity', 'latex', 'california-housing');
    const r = await sensitivityArm.run({ ...c, config: { ...c.config, documents: 3, strengths: [0.5, 1] } });
    delete process.env.REPRO_RESULTS;
    // reference mode's alignment terms are stuck at 0 + 1, so its identity structure is 3 of 4
    expect(r.metrics).toMatchObject({ identity_content_ref: 3, identity_structure_ref: 3, identity_structure_fixed: 4 });
    expect(r.metrics.content_ref_empty_output_100).toBeCloseTo(0.5, 12);
    expect(r.metrics.content_ref_cell_edits_100!).toBeLessThan(r.metrics.content_ref_cell_edits_50!);
    expect(Object.keys(r.metrics).filter((k) => k.startsWith('content_')).length).toBe(9 * 2 * 2);
    expect(r.artifacts![0]).toMatch(/latex-california-housing-seed-1\.svg$/);
  });
});
