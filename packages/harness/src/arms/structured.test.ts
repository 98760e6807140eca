import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGsm8k, loadJsonSchemaBench } from '@repro/core';
import { useSharedMirror } from '@repro/core/testing';
import { freeTextAnswer, sameNumber } from '../structured/gsm8k.js';
import { checkValidator } from '../structured/jsonschemabench.js';
import { ValidationPool } from '../structured/pool.js';
import { listSuites, armConfig } from '../spec.js';
import { floorCeilings, gsm8kJsonArm, gsm8kReferenceArm, validatorArm } from './structured.js';
import type { ArmContext } from './types.js';

const mirror = useSharedMirror();

function ctx(suiteId: string, armId: string, extra: Partial<ArmContext> = {}): ArmContext {
  const suite = listSuites().find((s) => s.id === suiteId)!;
  const arm = suite.arms.find((a) => a.id === armId)!;
  return { suite, arm, dataset: suite.datasets[0], seed: 1, profile: 'quick', config: armConfig(suite, arm, 'quick'), log: () => {}, ...extra };
}

describe('the throughput ceilings', () => {
  const run = (tasks: Record<string, number>) => ({ meta: null, result: Object.fromEntries(Object.entries(tasks).map(([k, ms]) => [k, { medianMs: ms, samples: 10 }])) });
  it('take Python over the one-thread floor and over the two-thread floor, pair by pair', () => {
    const ours = [run({ floor_all: 40, floor_two_threads: 20 }), run({ floor_all: 30, floor_two_threads: 15 }), run({ floor_all: 50, floor_two_threads: 25 })];
    const python = [run({ validate_all: 300 }), run({ validate_all: 330 }), run({ validate_all: 400 })];
    // Pairs: 300/40, 330/30, 400/50 -> 7.5, 11, 8; 300/20, 330/15, 400/25 -> 15, 22, 16.
    expect(floorCeilings(ours, python)).toEqual({ floor_vs_python: 8, two_core_ceiling_vs_python: 16 });
  });
});

describe('GSM8K answer extraction', () => {
  it('reads the final A: line, else the last number, ignoring $ and commas', () => {
    expect(freeTextAnswer('so 3 + 4 = <<3+4=7>>7\nA: $1,250')).toBe(1250);
    expect(freeTextAnswer('A: 3\nthen more\nA: -2.5')).toBe(-2.5);
    expect(freeTextAnswer('She has 12 apples and gives 5 away, so 7 left.')).toBe(7);
    expect(freeTextAnswer('no numbers')).toBeNull();
    expect(sameNumber(18, 18.0)).toBe(true);
    expect(sameNumber(null, 0)).toBe(false);
  });
});

describe.skipIf(!mirror)('suites on the real datasets', () => {
  const results = mkdtempSync(path.join(tmpdir(), 'repro-structured-'));
  beforeAll(() => { process.env.REPRO_RESULTS = results; });
  afterAll(() => { delete process.env.REPRO_RESULTS; });

  it('gsm8k-reference-solutions agrees with is_correct on at least 99.5% of every column', async () => {
    for (const arm of ['6b-finetuning', '175b-verification']) {
      const r = await gsm8kReferenceArm.run(ctx('gsm8k-reference-solutions', arm));
      expect(r.metrics.n).toBe(1319);
      expect(r.metrics.agreement).toBeGreaterThanOrEqual(99.5);
      expect(Math.abs(r.metrics.accuracy! - r.metrics.label_accuracy!)).toBeLessThan(0.5);
    }
  }, 60_000);

  it('the validator check reaches the done criteria on the Handwritten split and lists each disagreement', async () => {
    const r = await validatorArm.run(ctx('jsonschemabench-validator', 'handwritten'));
    expect(r.metrics.schemas).toBe(147);
    expect(r.metrics.compile_rate).toBeGreaterThanOrEqual(99.5);
    expect(r.metrics.agreement).toBeGreaterThanOrEqual(99.7);
    expect(readFileSync(path.join(results, r.artifacts![0]), 'utf8').trim().split('\n').filter(Boolean).length)
      .toBe(r.metrics.false_accepts! + r.metrics.false_rejects! + (147 - Math.round((147 * r.metrics.compile_rate!) / 100)));
  }, 60_000);

  it('a flipped label shows up as a false accept, a broken schema as a compile error', async () => {
    const entries = (await loadJsonSchemaBench('Synthesized')).slice(0, 20);
    const withTests = entries.find((e) => e.tests.some((t) => t.valid))!;
    const flipped = { ...withTests, tests: withTests.tests.map((t) => ({ ...t, valid: !t.valid })) };
    const broken = { ...entries[0], file: 'broken.json', schema: { type: 'object', properties: { a: { type: 'nonsense' } } }, tests: [] };
    const pool = new ValidationPool({ workers: 1 });
    try {
      const r = await checkValidator([flipped, broken], pool);
      expect(r.metrics.agreement).toBe(0);
      expect(r.metrics.false_accepts).toBe(withTests.tests.filter((t) => t.valid).length);
      expect(r.metrics.compile_rate).toBe(50);
      expect(r.disagreements.find((d) => d.kind === 'compile-error')!.file).toBe('broken.json');
    } finally {
      await pool.close();
    }
  });
});

describe.skipIf(!mirror)('gsm8k-json through a loopback endpoint', () => {
  let server: Server;
  const asked: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const test = await loadGsm8k('test');
    const gold = new Map(test.map((q) => [q.question, q.final]));
    // Answers right for the first question, wrong for the second, prose for the third, cut off for the fourth.
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => { raw += c; });
      req.on('end', () => {
        const body = JSON.parse(raw) as { messages: { content: string }[] };
        asked.push(body);
        const q = body.messages[0].content.split('Problem: ')[1];
        const i = test.findIndex((t) => t.question === q);
        const content = [`{"reasoning": "r", "answer": ${gold.get(q)}}`, '{"reasoning": "r", "answer": -1}', 'I think it is 5.', '{"reasoning": "long'][i];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { content }, finish_reason: i === 3 ? 'length' : 'stop' }], usage: { completion_tokens: 9 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => { server.close(); delete process.env.REPRO_OPENAI_BASE_URL; delete process.env.REPRO_OPENAI_MODEL; delete process.env.REPRO_RESULTS; });

  it('is skipped with directions when no endpoint is configured', () => {
    delete process.env.REPRO_OPENAI_BASE_URL;
    expect(gsm8kJsonArm.unavailable!()).toMatch(/REPRO_OPENAI_BASE_URL/);
  });

  it('scores validity, compliance, answer accuracy and truncation', async () => {
    process.env.REPRO_OPENAI_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    process.env.REPRO_OPENAI_MODEL = 'test-model';
    process.env.REPRO_RESULTS = mkdtempSync(path.join(tmpdir(), 'repro-gsm8k-'));
    process.env.REPRO_CACHE = mkdtempSync(path.join(tmpdir(), 'repro-cache-'));
    expect(gsm8kJsonArm.unavailable!()).toBeNull();
    const c = ctx('gsm8k-json', 'json-schema');
    const r = await gsm8kJsonArm.run({ ...c, config: { ...c.config, limit: 4 } });
    expect(r.metrics).toMatchObject({ n: 4, validity: 50, compliance: 50, answer_accuracy: 25, truncation_rate: 25, failed_requests: 0 });
    expect(asked[0]).toMatchObject({ model: 'test-model', temperature: 0, seed: 1, max_tokens: 512, response_format: { type: 'json_schema' } });
    const lines = readFileSync(path.join(process.env.REPRO_RESULTS!, r.artifacts![0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.answerCorrect)).toEqual([true, false, false, false]);
    expect(r.metrics.mean_completion_tokens).toBe(9);
    expect(r.metrics.mean_latency_ms).toBeGreaterThan(0);
    // Again, every answer from the cache: no latency to report, the same tokens.
    const again = await gsm8kJsonArm.run({ ...c, config: { ...c.config, limit: 4 } });
    expect(asked).toHaveLength(4);
    expect(again.metrics).toMatchObject({ answer_accuracy: 25, mean_latency_ms: null, mean_completion_tokens: 9 });
  });
});
