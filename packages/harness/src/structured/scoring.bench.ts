/**
 * End-to-end scoring throughput on every labelled JSONSchemaBench instance (all splits): each
 * instance serialised to text, then extract (raw) + strict parse + comply + aggregate (bootstrap
 * intervals included). `score_inline` checks compliance in this one thread (validators compiled
 * beforehand, as the Python peer builds its validators beforehand); `score_pool` goes through the
 * worker pool (2 workers, per-item limit). tools/peer-bench/jsonschema_validate.py times Python
 * jsonschema on the same instances. Needs REPRO_DATA_MIRROR (or the cache) for the dataset.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchMain, JSONSCHEMABENCH_SPLITS, loadJsonSchemaBench } from '@repro/core';
import { aggregate } from './aggregate.js';
import { SchemaCompiler } from './comply.js';
import { ValidationPool } from './pool.js';
import { scoreSamples, type Sample } from './score.js';

const { values } = parseArgs({ options: { time: { type: 'string', default: '2000' }, 'bench-child': { type: 'boolean' } }, strict: true });

const samples: Sample[] = [];
const compiler = new SchemaCompiler();
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
    pool = new ValidationPool({ workers: 2 });
    await scoreSamples(samples, { pool }); // warm the workers' compile caches
    process.stdout.write(`REPRO_BENCH_META ${JSON.stringify({ instances: samples.length })}\n`);
  },
  tasks: {
    score_inline: async () => { aggregate(await scoreSamples(samples, { inline: compiler }), 1); },
    score_pool: async () => { aggregate(await scoreSamples(samples, { pool: pool! }), 1); },
  },
});
await (pool as ValidationPool | null)?.close();
