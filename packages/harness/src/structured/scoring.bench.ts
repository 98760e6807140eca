/**
 * End-to-end scoring throughput on every labelled JSONSchemaBench instance (all splits): each
 * instance serialised to text, then extract (raw) + strict parse + comply + aggregate (bootstrap
 * intervals included). `score_inline` checks compliance in this one thread (validators compiled
 * beforehand, as the Python peer builds its validators beforehand); `score_pool` goes through the
 * worker pool (2 workers, per-item limit). tools/peer-bench/jsonschema_validate.py times Python
 * jsonschema on the same instances. Needs REPRO_DATA_MIRROR (or the cache) for the dataset.
 *
 * The `floor_*` tasks are the part no pipeline can shed: JSON.parse and the compiled Ajv validator,
 * nothing else, per instance (the loop Python's side runs). `floor_all` does every instance in one
 * thread; `floor_even` and `floor_odd` each do the instances of half the schemas (split by schema
 * hash), which is one core's share when two cores split the schemas between them: each core then
 * runs only its half of the validators, which keeps them warmer, so a half takes less than half of
 * `floor_all`. Python's time over the mean of the halves is the most two cores could reach with
 * JSON.parse and Ajv even if extraction, scoring, aggregation and the pool's messages cost nothing.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchMain, JSONSCHEMABENCH_SPLITS, loadJsonSchemaBench } from '@repro/core';
import { aggregate } from './aggregate.js';
import { SchemaCompiler, schemaHash } from './comply.js';
import { ValidationPool } from './pool.js';
import { scoreSamples, type Sample } from './score.js';

const { values } = parseArgs({ options: { time: { type: 'string', default: '2000' }, 'bench-child': { type: 'boolean' } }, strict: true });

const samples: Sample[] = [];
const compiler = new SchemaCompiler();
/** Each instance's text and validator (null where its schema does not compile), by schema-hash parity. */
const floors = { all: [] as Floor[], even: [] as Floor[], odd: [] as Floor[] };
type Floor = { text: string; validate: ((v: unknown) => unknown) | null };

function parseAndValidate(items: Floor[]): number {
  let valid = 0;
  for (const { text, validate } of items) {
    const value: unknown = JSON.parse(text);
    if (validate !== null && validate(value)) valid++;
  }
  return valid;
}
let pool: ValidationPool | null = null;

await benchMain(fileURLToPath(import.meta.url), {
  name: 'structured-scoring',
  time: Number(values.time),
  iterations: 3,
  setup: async () => {
    for (const split of JSONSCHEMABENCH_SPLITS) {
      for (const e of await loadJsonSchemaBench(split)) {
        const validate = compiler.compile(e.schema).validate ?? null;
        const half = parseInt(schemaHash(e.schema).slice(0, 8), 16) % 2 === 0 ? floors.even : floors.odd;
        for (const [k, t] of e.tests.entries()) {
          const output = JSON.stringify(t.data);
          samples.push({ id: `${e.file}#${k}`, output, schema: e.schema });
          floors.all.push({ text: output, validate });
          half.push({ text: output, validate });
        }
      }
    }
    pool = new ValidationPool({ workers: 2 });
    await scoreSamples(samples, { pool }); // warm the workers' compile caches
    process.stdout.write(`REPRO_BENCH_META ${JSON.stringify({ instances: samples.length, even: floors.even.length, odd: floors.odd.length })}\n`);
  },
  tasks: {
    score_inline: async () => { aggregate(await scoreSamples(samples, { inline: compiler }), 1); },
    score_pool: async () => { aggregate(await scoreSamples(samples, { pool: pool! }), 1); },
    floor_all: () => { parseAndValidate(floors.all); },
    floor_even: () => { parseAndValidate(floors.even); },
    floor_odd: () => { parseAndValidate(floors.odd); },
  },
});
await (pool as ValidationPool | null)?.close();
