import { afterAll, describe, expect, it } from 'vitest';
import { ValidationPool } from './pool.js';
import { readReply, ReplyBuilder, type ComplyOutcome } from './pool-protocol.js';
import { scoreSamples } from './score.js';

describe('a worker\'s reply', () => {
  it('carries every outcome across the thread boundary: status, draft, errors (any text) and the rare fields', () => {
    const outcomes: ComplyOutcome[] = [
      { declared: true, status: 'valid', draft: '2020-12' },
      { declared: true, status: 'invalid', draft: 'draft-07', errors: ['/a must be integer', '', '/b\n"c" must match pattern "^é+$"'] },
      { declared: false, status: 'not-compiled', draft: 'draft-04', compileError: 'unknown format', normalised: ['dropped $async'], compileMs: 1.5 },
      { declared: true, status: 'invalid', draft: '2019-09', parseError: { message: 'unexpected end', offset: 3, line: 1, column: 4 } },
      { declared: true, status: 'invalid', draft: '2020-12', errors: ['/ must be object'] },
      { declared: true, status: 'valid', draft: 'draft-06' },
    ];
    const builder = new ReplyBuilder(7, outcomes.length);
    outcomes.forEach((o, i) => builder.set(i, o));
    const { reply, transfer } = builder.build();
    const received = structuredClone(reply, { transfer });
    expect(received.id).toBe(7);
    expect(readReply(received)).toEqual(outcomes);
  });
});

describe('ValidationPool', () => {
  const pool = new ValidationPool({ workers: 2, timeoutMs: 400, batchSize: 3 });
  afterAll(() => pool.close());

  it('splits a call into two batches per worker by default, of 16 to 4,096 items', () => {
    const two = new ValidationPool({ workers: 2 });
    expect([two.batchSizeFor(11_662), two.batchSizeFor(10), two.batchSizeFor(100_000)]).toEqual([2916, 16, 4096]);
    expect(new ValidationPool({ workers: 2, batchSize: 3 }).batchSizeFor(11_662)).toBe(3);
  });

  it('a catastrophic regular expression costs one item, recorded as a timeout; the rest are checked', async () => {
    const evil = { type: 'string', pattern: '^(a+)+$' };
    const ok = { type: 'integer', minimum: 0 };
    const out = await pool.comply([
      { schema: ok, instance: 1 },
      { schema: evil, instance: `${'a'.repeat(40)}b` },
      { schema: ok, instance: -1 },
      { schema: evil, instance: 'aaa' },
      { schema: { type: 'object', required: ['x'] }, instance: {} },
      { schema: [1, 2], instance: 1 },
    ]);
    expect(out.map((o) => o.status)).toEqual(['valid', 'timeout', 'invalid', 'valid', 'invalid', 'not-compiled']);
    expect(out[1].errors![0]).toMatch(/400 ms/);
    expect(out[5].declared).toBe(false);
    expect(pool.restarts).toBe(1);
  }, 20_000);

  it('a timeout in a worker holding a second batch requeues that batch too', async () => {
    // One worker, batches of 2: it holds the batch with the slow item and the one after it.
    const single = new ValidationPool({ workers: 1, timeoutMs: 400, batchSize: 2 });
    try {
      const evil = { type: 'string', pattern: '^(a+)+$' };
      const max = { type: 'integer', maximum: 2 };
      const out = await single.comply([
        { schema: max, instance: 1 }, { schema: evil, instance: `${'a'.repeat(40)}b` },
        { schema: max, instance: 3 }, { schema: max, instance: 2 },
        { schema: evil, instance: 'aa' }, { schema: max, instance: 5 },
      ]);
      expect(out.map((o) => o.status)).toEqual(['valid', 'timeout', 'invalid', 'valid', 'valid', 'invalid']);
      expect(single.restarts).toBe(1);
    } finally {
      await single.close();
    }
  }, 20_000);

  it('a worker that dies mid-batch costs that item, recorded as an error; the batch it held is still checked', async () => {
    // Ajv's validator recurses once per level of nesting: 200,000 levels overflow the worker's stack.
    const single = new ValidationPool({ workers: 1, timeoutMs: 5000, batchSize: 2 });
    try {
      const nested = { $ref: '#/$defs/n', $defs: { n: { type: 'array', items: { $ref: '#/$defs/n' } } } };
      const max = { type: 'integer', maximum: 2 };
      const out = await single.comply([
        { schema: max, instance: 1 }, { schema: nested, text: `${'['.repeat(200_000)}${']'.repeat(200_000)}` },
        { schema: max, instance: 3 }, { schema: max, instance: 2 },
      ]);
      expect(out.map((o) => o.status)).toEqual(['valid', 'error', 'invalid', 'valid']);
      expect(out[1].errors![0]).toMatch(/worker error/);
      expect(single.restarts).toBe(0);
    } finally {
      await single.close();
    }
  }, 20_000);

  it('keeps working after a restart and returns outcomes in request order', async () => {
    const reqs = Array.from({ length: 50 }, (_, i) => ({ schema: { type: 'integer', maximum: 25 }, instance: i }));
    const out = await pool.comply(reqs);
    expect(out.map((o) => o.status === 'valid')).toEqual(reqs.map((r) => r.instance <= 25));
    expect(out.filter((o) => (o.compileMs ?? 0) > 0).length).toBeLessThanOrEqual(2);
  });

  it('checks instances sent as JSON text as it checks their values, in either parser dialect', async () => {
    const schema = { type: 'object', properties: { a: { type: 'number', maximum: 3 } }, required: ['a'] };
    const values = [{ a: 1 }, { a: 4 }, { b: 1 }, { a: 2.5 }];
    const byValue = await pool.comply(values.map((instance) => ({ schema, instance })));
    const byText = await pool.comply(values.map((v) => ({ schema, text: JSON.stringify(v) })));
    expect(byText.map((o) => o.status)).toEqual(['valid', 'invalid', 'invalid', 'valid']);
    expect(byText.map((o) => o.status)).toEqual(byValue.map((o) => o.status));
    // Python's dialect reads the bare non-finite tokens (Ajv rejects NaN under `maximum`).
    const nonFinite = await pool.comply([{ schema, text: '{"a": NaN}', dialect: 'python' }, { schema, text: '{"a": -Infinity}', dialect: 'python' }]);
    const nonFiniteValues = await pool.comply([{ schema, instance: { a: NaN } }, { schema, instance: { a: -Infinity } }]);
    expect(nonFinite.map((o) => o.status)).toEqual(['invalid', 'valid']);
    expect(nonFinite.map((o) => o.status)).toEqual(nonFiniteValues.map((o) => o.status));
  });

  it('text that does not parse comes back invalid with where it failed; its schema still counts', async () => {
    const schema = { type: 'object' };
    const out = await pool.comply([{ schema, text: '{"a": 1}' }, { schema, text: '{"a":\n 1,}' }, { schema: [1], text: '{' }]);
    expect(out.map((o) => [o.status, o.declared])).toEqual([['valid', true], ['invalid', true], ['not-compiled', false]]);
    expect(out[0].parseError).toBeUndefined();
    expect(out[1].parseError).toMatchObject({ line: 2, column: 4 });
    expect(out[2].parseError).toMatchObject({ offset: 1 });
  });

  it('an output whose check timed out in a worker is still scored as parsed', async () => {
    const evil = { type: 'string', pattern: '^(a+)+$' };
    const scores = await scoreSamples([
      { id: 'slow', output: JSON.stringify(`${'a'.repeat(40)}b`), schema: evil },
      { id: 'fine', output: '"aaa"', schema: evil },
    ], { pool });
    expect(scores.map((s) => [s.parsed, s.complyStatus, s.compliant])).toEqual([[true, 'timeout', false], [true, 'valid', true]]);
  }, 20_000);

  it('an output the pool stopped before its parse finished is parsed here, so a broken one is not counted as parsed', async () => {
    // 5 MB that fail at the very end: the worker is still parsing when the 20 ms limit stops it.
    const quick = new ValidationPool({ workers: 1, timeoutMs: 20 });
    try {
      const [s] = await scoreSamples([{ id: 'huge', output: `[${'1,'.repeat(2_500_000)}x]`, schema: { type: 'array' } }], { pool: quick });
      expect(quick.restarts).toBe(1);
      expect([s.parsed, s.complyStatus, s.parseError?.offset]).toEqual([false, 'invalid', 5_000_001]);
    } finally {
      await quick.close();
    }
  }, 20_000);
});
