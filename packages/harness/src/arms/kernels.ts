/**
 * The wasm-kernels suite's arm: core's kernel microbenchmark (replacement against stock or the
 * copy-to-cpu fallback, same process, same inputs) in fresh processes; speedups are computed
 * within each process and reduced to their median.
 */
import { fileURLToPath } from 'node:url';
import { benchChildArgs, KERNELS_BENCH_SCRIPT, pairRatio, runInterleaved, summarizeTasks } from '@repro/core';
import type { ArmMethod, ArmResult } from './types.js';

export const kernelsWasm: ArmMethod = {
  name: 'kernels.wasm',
  summary: "core's replacement wasm kernels against the stock kernel or the copy-to-cpu fallback, side by side",
  async run(ctx): Promise<ArmResult> {
    const processes = Math.max(3, Number(ctx.config.processes ?? 3));
    const script = fileURLToPath(KERNELS_BENCH_SCRIPT);
    const runs = (await runInterleaved([{ label: 'kernels', command: process.execPath, args: benchChildArgs(script) }], processes,
      (_l, i, n) => ctx.log(`process ${i}/${n}`))).kernels;
    const metrics: ArmResult['metrics'] = {};
    const timings: Record<string, number> = {};
    const tasks = summarizeTasks(runs);
    for (const [task, s] of Object.entries(tasks)) {
      metrics[`${task}_ms`] = s.medianMs;
      timings[`${task}_spread_ms`] = s.maxMs - s.minMs;
    }
    for (const task of Object.keys(tasks).filter((t) => !t.endsWith('_stock'))) {
      metrics[`${task}_speedup`] = pairRatio(runs, `${task}_stock`, runs, task).median;
    }
    return { metrics, timings, config: { processes }, notes: ['speedup = stock (or copy-to-cpu fallback) latency / replacement latency, per process, median over processes'] };
  },
};
