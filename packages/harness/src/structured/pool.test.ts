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
});
