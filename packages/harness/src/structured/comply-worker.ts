/**
 * A validation worker: compiles schemas (cached by hash for the worker's life) and validates
 * batches of instances, publishing how many items of the batch it has finished in a shared
 * counter so the pool can tell which item hung (a catastrophic regular expression) and stop it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SchemaCompiler } from './comply.js';
import { NOT_JSON, readPythonJson } from './python-json.js';
import { complyOne, type ComplyBatch, type ComplyItem } from './pool-protocol.js';

const progress = new Int32Array(workerData.progress as SharedArrayBuffer);
const compiler = new SchemaCompiler();

// Schemas arrive once per worker (the pool remembers what it sent), then only their hashes.
const schemas = new Map<string, unknown>();

parentPort!.on('message', (batch: ComplyBatch) => {
  for (const [h, s] of batch.schemas) schemas.set(h, s);
  const results = batch.items.map((item, i) => {
    Atomics.store(progress, 0, i);
    return complyOne(compiler, item.hash, schemas.get(item.hash), instanceOf(item));
  });
  Atomics.store(progress, 0, batch.items.length);
  parentPort!.postMessage({ id: batch.id, results });
});

/** The item's instance. Text was parsed by the sender already, so it parses here too. */
function instanceOf(item: ComplyItem): unknown {
  if (item.text === undefined) return item.instance;
  if (item.dialect !== 'python') return JSON.parse(item.text);
  const v = readPythonJson(item.text);
  return v === NOT_JSON ? null : v;
}
