/**
 * A validation worker: parses instances sent as text, compiles schemas (cached by hash for the
 * worker's life) and validates, publishing in shared memory which batch it is on and how many of
 * its items it has finished, so the pool can tell which item hung (a catastrophic regular
 * expression) and stop it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SchemaCompiler } from './comply.js';
import { errorPosition, parseStrict } from './parse.js';
import { complyOne, PAYLOAD, ReplyBuilder, type ComplyBatch, type ComplyOutcome } from './pool-protocol.js';

const progress = new Int32Array(workerData.progress as SharedArrayBuffer);
const compiler = new SchemaCompiler();

// Schemas arrive once per worker (the pool remembers what it sent), then only their numbers.
const hashes: string[] = [];
const schemas: unknown[] = [];

parentPort!.on('message', (batch: ComplyBatch) => {
  for (const [id, h, s] of batch.schemas) { hashes[id] = h; schemas[id] = s; }
  const n = batch.schemaIds.length;
  const reply = new ReplyBuilder(batch.id, n);
  Atomics.store(progress, 1, 0);
  Atomics.store(progress, 0, batch.id);
  for (let i = 0; i < n; i++) {
    Atomics.store(progress, 1, i);
    reply.set(i, checkItem(batch, i));
  }
  Atomics.store(progress, 0, 0);
  const built = reply.build();
  parentPort!.postMessage(built.reply, built.transfer);
});

function checkItem(batch: ComplyBatch, i: number): ComplyOutcome {
  const id = batch.schemaIds[i];
  const kind = batch.kinds[i];
  if (kind === PAYLOAD.value) return complyOne(compiler, hashes[id], schemas[id], batch.payloads[i]);
  const parsed = parseStrict(batch.payloads[i] as string, kind === PAYLOAD.python ? 'python' : 'rfc8259');
  return parsed.ok
    ? complyOne(compiler, hashes[id], schemas[id], parsed.value)
    : complyOne(compiler, hashes[id], schemas[id], undefined, errorPosition(parsed));
}
