import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureOnce, median, runBenchProcesses } from './bench.js';

describe('bench', () => {
  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
  it('runs a task set in 3 fresh processes and reports per-process ratios', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'repro-bench-'));
    const script = path.join(dir, 'b.mjs');
    // A child that speaks the result-line protocol with two tasks of known relative cost, so the
    // parent's spawning, aggregation and ratios are tested end to end without tinybench's timing.
    writeFileSync(script, `
      const spin = (n) => { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s; };
      const t = (f) => { const xs = []; for (let k = 0; k < 15; k++) { const a = performance.now(); f(); xs.push(performance.now() - a); } xs.sort((a, b) => a - b); return xs[7]; };
      const slow = t(() => spin(400000)), fast = t(() => spin(100000));
      process.stdout.write('REPRO_BENCH_RESULT ' + JSON.stringify({ slow: { medianMs: slow, samples: 15 }, fast: { medianMs: fast, samples: 15 } }) + '\\n');
    `);
    const s = await runBenchProcesses(script, { name: 'spin', pairs: [['slow', 'fast']] });
    expect(s.processes).toBe(3);
    expect(s.tasks.slow.perProcessMs).toHaveLength(3);
    expect(s.ratios['slow/fast'].median).toBeGreaterThan(2);
    expect(s.pinned.OMP_NUM_THREADS).toBe('1');
    await expect(runBenchProcesses(script, { name: 'spin', pairs: [['slow', 'nope']] })).rejects.toThrow(/pair slow\/nope names a task that does not exist/);
  });

  it('measureOnce runs tinybench with throws: true', async () => {
    const r = await measureOnce({ name: 't', time: 20, iterations: 3, tasks: { sum: () => Array.from({ length: 1000 }, (_, i) => i).reduce((a, b) => a + b) } });
    expect(r.sum.medianMs).toBeGreaterThan(0);
    expect(r.sum.samples).toBeGreaterThanOrEqual(3);
    await expect(measureOnce({ name: 't', time: 20, iterations: 3, tasks: { bad: () => { throw new Error('task broke'); } } })).rejects.toThrow(/task broke/);
  });
});
