/**
 * End-to-end scoring throughput on every labelled JSONSchemaBench instance (all splits): each
 * instance serialised to text, then extract (raw) + strict parse + comply + aggregate (bootstrap
 * intervals included). `score_inline` checks compliance in this one thread (validators compiled
 * beforehand, as the Python peer builds its validators beforehand); `score_pool` goes through the
 * worker pool (2 workers, per-item limit). tools/peer-bench/jsonschema_validate.py times Python
 * jsonschema on the same instances. Needs REPRO_DATA_MIRROR (or the cache) for the dataset.
 *
 * The `floor_*` tasks are the part no pipeline can shed (see scoring-floor.ts): JSON.parse and the
 * compiled Ajv validator per instance, nothing else. `floor_all` does every instance in this thread.
 * `floor_two_threads` has two worker threads, each holding the instances of one half of the
 * schemas (split by schema hash), parse and check their halves at once; each then runs only its
 * half of the validators, which keeps them warmer. Python's time over it is the most two cores
 * could reach with JSON.parse and Ajv even if extraction, scoring, aggregation and the pool's
 * messages cost nothing.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { benchMain, JSONSCHEMABENCH_SPLITS, loadJsonSchemaBench } from '@repro/core';
import { aggregate } from './aggregate.js';
import { SchemaCompiler } from './comply.js';
import { ValidationPool } from './pool.js';
import { parseAndValidate, type FloorItem } from './scoring-floor.js';
import { scoreSamples, type Sample } from './score.js';

const { values } = parseArgs({ options: { time: { type: 'string', default: '2000' }, 'bench-child': { type: 'boolean' } }, strict: true });

const samples: Sample[] = [];
const compiler = new SchemaCompiler();
let floorItems: FloorItem[] = [];
const halves: Worker[] = [];

/** Resolves with each worker's next message; rejects if one fails first. */
function next(workers: Worker[]): Promise<unknown[]> {
  return Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    const fail = (e: Error) => { w.off('message', ok); reject(e); };
    const ok = (m: unknown) => { w.off('error', fail); resolve(m); };
    w.once('message', ok);
    w.once('error', fail);
  })));
}
let pool: ValidationPool | null = null;

await benchMain(fileURLToPath(import.meta.url), {
  name: 'structured-scoring',
  time: Number(values.time),
  iterations: 3,
  setup: async () => {
    for (const split of JSONSCHEMABENCH_SPLITS) {
      for (const e of await loadJsonSchemaBench(split)) {
        compiler.compile(e.schema);
        for (const [k, t] of e.tests.entries()) samples.push({ id: `${e.file}#${k}`, output: JSON.stringify(t.data), schema: e.schema });
      }
    }
    // The same texts and validators the score tasks use (each compile is a cache hit here).
    floorItems = samples.map((s) => ({ text: s.output, validate: compiler.compile(s.schema).validate ?? null }));
    for (const half of [0, 1]) halves.push(new Worker(new URL('./scoring-floor.worker.js', import.meta.url), { workerData: { half } }));
    const [even, odd] = (await next(halves)) as { ready: number }[];
    pool = new ValidationPool({ workers: 2 });
    await scoreSamples(samples, { pool }); // warm the workers' compile caches
    process.stdout.write(`REPRO_BENCH_META ${JSON.stringify({ instances: samples.length, halves: [even.ready, odd.ready] })}\n`);
  },
  tasks: {
    score_inline: async () => { aggregate(await scoreSamples(samples, { inline: compiler }), 1); },
    score_pool: async () => { aggregate(await scoreSamples(samples, { pool: pool! }), 1); },
    floor_all: () => { parseAndValidate(floorItems); },
    floor_two_threads: async () => {
      const done = next(halves);
      for (const w of halves) w.postMessage('run');
      await done;
    },
  },
});
await (pool as ValidationPool | null)?.close();
await Promise.all(halves.map((w) => w.terminate()));
