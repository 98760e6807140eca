/**
 * The wasm-kernels suite's arm: one kernel case of core's microbenchmark (replacement against stock
 * or the copy-to-cpu fallback, same process, same inputs) in fresh processes; the speedup is
 * computed within each process and reduced to its median. Each arm of the suite is one case.
 */
import { fileURLToPath } from 'node:url';
import { benchChildArgs, KERNELS_BENCH_SCRIPT, pairRatio, runInterleaved, summarizeTasks } from '@repro/core';
import type { ArmMethod, ArmResult } from './types.js';

export const kernelsWasm: ArmMethod = {
  name: 'kernels.wasm',
  summary: "core's replacement wasm kernels against the stock kernel or the copy-to-cpu fallback, side by side",
  async run(ctx): Promise<ArmResult> {
    const processes = Math.max(3, Number(ctx.config.processes ?? 3));
    const kase = ctx.config.case;
    if (typeof kase !== 'string') throw new Error(`kernels.wasm: config.case must name a kernel case, got ${JSON.stringify(kase)}`);
    const script = fileURLToPath(KERNELS_BENCH_SCRIPT);
    const runs = (await runInterleaved([{ label: 'kernels', command: process.execPath, args: benchChildArgs(script, ['--case', kase]) }], processes,
      (_l, i, n) => ctx.log(`process ${i}/${n}`))).kernels;
    const tasks = summarizeTasks(runs);
    const mine = tasks[kase], stock = tasks[`${kase}_stock`];
    return {
      metrics: { replacement_ms: mine.medianMs, stock_ms: stock.medianMs, speedup: pairRatio(runs, `${kase}_stock`, runs, kase).median },
      timings: { replacement_min_ms: mine.minMs, replacement_max_ms: mine.maxMs, stock_min_ms: stock.minMs, stock_max_ms: stock.maxMs },
      config: { processes, case: kase },
      notes: ['speedup = stock (or copy-to-cpu fallback) latency / replacement latency within each process, median over processes'],
    };
  },
};
