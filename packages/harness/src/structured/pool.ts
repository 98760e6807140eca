/**
 * A pool of worker threads that check instances against schemas, with a time limit per item.
 * A schema whose regular expression backtracks for minutes costs one item, recorded as `timeout`:
 * a watchdog sees that a worker's shared progress counter has not moved for the limit, terminates
 * the worker, starts a fresh one and requeues the rest of that batch. The run never hangs.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { schemaHash } from './comply.js';
import { PAYLOAD, unpackOutcome, type ComplyBatch, type ComplyOutcome, type ComplyReply } from './pool-protocol.js';

export interface PoolOptions {
  /** Worker threads (default: the machine's parallelism, at most 4). */
  workers?: number;
  /** Per-item limit in milliseconds (default 2000). */
  timeoutMs?: number;
  /**
   * Items per message. Default: the requests split into four batches per worker (so the last
   * batches still keep every worker busy), between 16 and 2048 items.
   */
  batchSize?: number;
}

/**
 * `text`, when given, is the instance's JSON text, which the worker parses (see ComplyBatch);
 * `instance` is then ignored. Text that does not parse comes back `invalid`, with its `parseError`.
 */
export interface ComplyRequest { schema: unknown; instance?: unknown; text?: string; dialect?: 'rfc8259' | 'python'; hash?: string }

/** The compiled worker script; tests run from src/, so they use the built copy in dist/. */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/[/\\]src[/\\]structured[/\\]pool\.ts$/, '/dist/structured/comply-worker.js') : here.replace(/pool\.js$/, 'comply-worker.js');
}

interface Job { batch: ComplyBatch; offsets: number[]; resolveInto: ComplyOutcome[]; done: () => void }

/** `known`: schemas this worker has been sent (and compiled), so they are not sent again. */
interface Slot { worker: Worker; progress: Int32Array; job: Job | null; seen: number; since: number; known: Set<string> }

export class ValidationPool {
  readonly timeoutMs: number;
  readonly size: number;
  private readonly batchSize: number | undefined;
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;
  /** Workers stopped for running past the limit. */
  restarts = 0;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.workers ?? Math.min(4, availableParallelism()));
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.batchSize = opts.batchSize;
  }

  private spawn(): Slot {
    const sab = new SharedArrayBuffer(4);
    const worker = new Worker(workerScript(), { workerData: { progress: sab } });
    const slot: Slot = { worker, progress: new Int32Array(sab), job: null, seen: 0, since: 0, known: new Set() };
    worker.on('message', (msg: ComplyReply) => {
      const job = slot.job;
      if (!job || job.batch.id !== msg.id) return;
      const extras = new Map(msg.extras);
      for (let i = 0; i < msg.codes.length; i++) job.resolveInto[job.offsets[i]] = unpackOutcome(msg.codes[i], extras.get(i));
      slot.job = null;
      job.done();
      this.pump();
    });
    worker.on('error', (e) => this.fail(slot, 'error', `worker error: ${e.message}`));
    worker.unref();
    return slot;
  }

  /** The item the slot was on failed (timeout or crash): record it, replace the worker, requeue the rest. */
  private fail(slot: Slot, status: 'timeout' | 'error', message: string): void {
    const job = slot.job;
    const i = Atomics.load(slot.progress, 0);
    void slot.worker.terminate();
    this.slots[this.slots.indexOf(slot)] = this.spawn();
    if (!job) return;
    const { hashes, payloads, kinds } = job.batch;
    const at = Math.max(0, Math.min(i, hashes.length - 1));
    job.resolveInto[job.offsets[at]] = { declared: status === 'timeout', status, errors: [message] };
    // The worker posts a batch's results at its end, so the items it finished before the failed
    // one are lost with it: they run again with the rest.
    const keep = hashes.map((_, k) => k).filter((k) => k !== at);
    if (keep.length) {
      const batch: ComplyBatch = {
        id: this.nextId++, schemas: job.batch.schemas,
        hashes: keep.map((k) => hashes[k]), payloads: keep.map((k) => payloads[k]), kinds: Uint8Array.from(keep, (k) => kinds[k]),
      };
      this.queue.unshift({ ...job, batch, offsets: keep.map((k) => job.offsets[k]) });
    } else job.done();
    if (status === 'timeout') this.restarts++;
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // -1 until the worker picks the batch up: a worker still starting (loading Ajv on a busy
      // machine) is not an item running past its limit.
      Atomics.store(slot.progress, 0, -1);
      slot.seen = -1;
      slot.since = performance.now();
      const schemas = job.batch.schemas.filter(([h]) => !slot.known.has(h));
      for (const [h] of schemas) slot.known.add(h);
      slot.worker.postMessage({ ...job.batch, schemas });
    }
    const busy = this.slots.some((s) => s.job);
    if (busy && !this.watchdog) this.watchdog = setInterval(() => this.check(), Math.max(5, this.timeoutMs / 4));
    if (!busy && this.watchdog) { clearInterval(this.watchdog); this.watchdog = null; }
  }

  private check(): void {
    const now = performance.now();
    for (const slot of [...this.slots]) {
      if (!slot.job) continue;
      const at = Atomics.load(slot.progress, 0);
      if (at !== slot.seen || at < 0) { slot.seen = at; slot.since = now; continue; }
      if (now - slot.since > this.timeoutMs) this.fail(slot, 'timeout', `validation ran past ${this.timeoutMs} ms`);
    }
  }

  /** Checks every request; outcomes come back in request order. */
  async comply(requests: ComplyRequest[]): Promise<ComplyOutcome[]> {
    if (this.closed) throw new Error('the validation pool is closed');
    if (!this.slots.length) for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    const out: ComplyOutcome[] = new Array(requests.length);
    const hashes = requests.map((r) => r.hash ?? schemaHash(r.schema));
    const jobs: Promise<void>[] = [];
    const size = this.batchSize ?? Math.min(2048, Math.max(16, Math.ceil(requests.length / (4 * this.size))));
    for (let start = 0; start < requests.length; start += size) {
      const end = Math.min(start + size, requests.length);
      const offsets: number[] = [];
      const payloads: unknown[] = [];
      const kinds = new Uint8Array(end - start);
      const schemas = new Map<string, unknown>();
      for (let i = start; i < end; i++) {
        offsets.push(i);
        const r = requests[i];
        payloads.push(r.text ?? r.instance);
        kinds[i - start] = r.text === undefined ? PAYLOAD.value : r.dialect === 'python' ? PAYLOAD.python : PAYLOAD.rfc8259;
        schemas.set(hashes[i], r.schema);
      }
      const batch: ComplyBatch = { id: this.nextId++, schemas: [...schemas], hashes: hashes.slice(start, end), payloads, kinds };
      jobs.push(new Promise<void>((done) => this.queue.push({ batch, offsets, resolveInto: out, done })));
    }
    this.pump();
    await Promise.all(jobs);
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
