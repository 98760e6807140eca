import { afterAll, describe, expect, it } from 'vitest';
import { ValidationPool } from './pool.js';

describe('ValidationPool', () => {
  const pool = new ValidationPool({ workers: 2, timeoutMs: 400, batchSize: 3 });
  afterAll(() => pool.close());

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
});
