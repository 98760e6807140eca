/**
 * The engine workloads as a bench entry point. `node dist/engine/engine.bench.js` measures them in
 * three fresh processes and prints a table; the engine suite's arms run it with --bench-child.
 * Options: --seed N, --time MS (per task), --iterations N (minimum per task).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchMain, initBackend } from '@repro/core';
import { ENGINE_TASKS, engineWorkload, type Workload } from './workloads.js';

const { values } = parseArgs({
  options: { seed: { type: 'string', default: '1' }, time: { type: 'string', default: '1000' }, iterations: { type: 'string', default: '5' }, 'bench-child': { type: 'boolean' } },
  strict: true,
});

const workloads = new Map<string, Workload>();

await benchMain(fileURLToPath(import.meta.url), {
  name: 'engine',
  time: Number(values.time),
  iterations: Number(values.iterations),
  setup: async () => {
    await initBackend();
    for (const t of ENGINE_TASKS) workloads.set(t, engineWorkload(t, Number(values.seed)));
  },
  tasks: Object.fromEntries(ENGINE_TASKS.map((t) => [t, () => workloads.get(t)!.run()])),
});
