/**
 * A generic arm for a package's tinybench microbenchmark: runs its entry script in fresh processes
 * (at least 3) and records each task's median latency (`<task>_ms`) and each pair's ratio
 * (`<a>_vs_<b>`), computed within each process and reduced to its median.
 */
import { fileURLToPath } from 'node:url';
import { benchChildArgs, pairRatio, runInterleaved, summarizeTasks, type ChildRun } from '@repro/core';
import type { ArmContext, ArmMethod, ArmResult } from './types.js';

/** Each task's median over processes as metric `<task>_ms`, its spread as timings `<task>_min_ms` / `_max_ms`. */
export function recordTaskTimes(runs: ChildRun[], metrics: ArmResult['metrics'], timings: Record<string, number>): void {
  for (const [task, s] of Object.entries(summarizeTasks(runs))) {
    metrics[`${task}_ms`] = s.medianMs;
    timings[`${task}_min_ms`] = s.minMs;
    timings[`${task}_max_ms`] = s.maxMs;
  }
}

/** `args`: extra arguments for the script, from the run's context (an arm's settings). */
export function microbenchArm(name: string, summary: string, script: URL, pairs: [string, string][], args: (ctx: ArmContext) => string[] = () => []): ArmMethod {
  return {
    name,
    summary,
    async run(ctx): Promise<ArmResult> {
      const processes = Math.max(3, Number(ctx.config.processes ?? 3));
      const runs = (await runInterleaved([{ label: name, command: process.execPath, args: benchChildArgs(fileURLToPath(script), args(ctx)) }], processes,
        (_l, i, n) => ctx.log(`process ${i}/${n}`)))[name];
      const metrics: ArmResult['metrics'] = {};
      const timings: Record<string, number> = {};
      recordTaskTimes(runs, metrics, timings);
      for (const [a, b] of pairs) metrics[`${a}_vs_${b}`] = pairRatio(runs, a, runs, b).median;
      return { metrics, timings, config: { processes }, notes: [`${processes} fresh processes; ratios within each process, median over processes`] };
    },
  };
}
