/**
 * A pool of worker threads that check instances against schemas, with a time limit per item.
 * A schema whose regular expression backtracks for minutes costs one item, recorded as `timeout`:
 * a watchdog sees that a worker's shared progress (batch and item) has not moved for the limit,
 * terminates the worker, starts a fresh one and requeues the rest of its batches. The run never hangs.
 *
 * Each worker holds up to IN_FLIGHT batches, so it starts its next batch as soon as it finishes one
 * instead of waiting for its reply to reach this thread and the next batch to come back.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { schemaHash } from './comply.js';
import { PAYLOAD, readReply, type ComplyBatch, type ComplyOutcome, type ComplyReply } from './pool-protocol.js';

export interface PoolOptions {
  /** Worker threads (default: the machine's parallelism, at most 4). */
  workers?: number;
  /** Per-item limit in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Items per message. Default: see `batchSizeFor`. */
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

/** A batch as queued: the schemas its worker has not seen are added when it is sent. */
type QueuedBatch = Omit<ComplyBatch, 'schemas'>;

interface Job { batch: QueuedBatch; offsets: number[]; resolveInto: ComplyOutcome[]; done: () => void }

/** Batches a worker holds at once: the one it runs and the next. */
export const IN_FLIGHT = 2;

/**
 * `jobs`: the batches sent to this worker and not yet answered, in the order it runs them.
 * `progress`: [the batch it is running (0 between batches), the item of that batch].
 * `seen` and `since`: the progress the watchdog last saw, and since when.
 * `known`: the numbers of the schemas this worker has been sent (and compiled), so they are not sent again.
 */
interface Slot { worker: Worker; progress: Int32Array; jobs: Job[]; seen: [number, number]; since: number; known: Set<number> }

export class ValidationPool {
  readonly timeoutMs: number;
  readonly size: number;
  private readonly batchSize: number | undefined;
  private slots: Slot[] = [];
  /**
   * Each distinct schema's number (by hash), as batches name it, and its hash and schema by number:
   * kept for the pool's life, since a worker started after a timeout must be sent them again.
   */
  private schemaIds = new Map<string, number>();
  private hashById: string[] = [];
  private schemaById: unknown[] = [];
  private idBySchema = new WeakMap<object, number>();
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
    const sab = new SharedArrayBuffer(8);
    const worker = new Worker(workerScript(), { workerData: { progress: sab } });
    const slot: Slot = { worker, progress: new Int32Array(sab), jobs: [], seen: [0, 0], since: 0, known: new Set() };
    worker.on('message', (msg: ComplyReply) => {
      const job = slot.jobs[0];
      if (!job || job.batch.id !== msg.id) return;
      readReply(msg).forEach((o, i) => { job.resolveInto[job.offsets[i]] = o; });
      slot.jobs.shift();
      job.done();
      this.pump();
    });
    worker.on('error', (e) => this.fail(slot, 'error', `worker error: ${e.message}`));
    worker.unref();
    return slot;
  }

  /**
   * The item the slot was on failed (timeout or crash): record it, replace the worker, requeue the
   * rest of that batch and the batches queued behind it.
   */
  private fail(slot: Slot, status: 'timeout' | 'error', message: string): void {
    const [running, i] = [Atomics.load(slot.progress, 0), Atomics.load(slot.progress, 1)];
    void slot.worker.terminate();
    this.slots[this.slots.indexOf(slot)] = this.spawn();
    // A crash between batches is blamed on the next one's first item.
    const job = slot.jobs.find((j) => j.batch.id === running) ?? slot.jobs[0];
    if (!job) return;
    const { schemaIds, payloads, kinds } = job.batch;
    const at = job.batch.id === running ? Math.max(0, Math.min(i, schemaIds.length - 1)) : 0;
    job.resolveInto[job.offsets[at]] = { declared: status === 'timeout', status, errors: [message] };
    // The worker posts a batch's results at its end, so the items it finished before the failed
    // one are lost with it: they run again with the rest, ahead of the batches that were waiting.
    const keep = payloads.map((_, k) => k).filter((k) => k !== at);
    const requeue = slot.jobs.filter((j) => j !== job);
    if (keep.length) {
      const batch: QueuedBatch = {
        id: this.nextId++,
        schemaIds: Uint32Array.from(keep, (k) => schemaIds[k]), payloads: keep.map((k) => payloads[k]), kinds: Uint8Array.from(keep, (k) => kinds[k]),
      };
      requeue.unshift({ ...job, batch, offsets: keep.map((k) => job.offsets[k]) });
    } else job.done();
    // The fresh worker knows no schema (its `known` is empty), so it is sent each one it needs again.
    this.queue.unshift(...requeue);
    if (status === 'timeout') this.restarts++;
    this.pump();
  }

  private pump(): void {
    // Every worker gets a batch to run before any gets one to hold, so a few batches spread out.
    for (let depth = 1; depth <= IN_FLIGHT; depth++) for (const slot of this.slots) {
      if (slot.jobs.length < depth && this.queue.length) {
        const job = this.queue.shift()!;
        slot.jobs.push(job);
        const schemas: ComplyBatch['schemas'] = [];
        for (const id of job.batch.schemaIds) {
          if (!slot.known.has(id)) { slot.known.add(id); schemas.push([id, this.hashById[id], this.schemaById[id]]); }
        }
        const batch: ComplyBatch = { ...job.batch, schemas };
        slot.worker.postMessage(batch);
      }
    }
    const busy = this.slots.some((s) => s.jobs.length);
    if (busy && !this.watchdog) this.watchdog = setInterval(() => this.check(), Math.max(5, this.timeoutMs / 4));
    if (!busy && this.watchdog) { clearInterval(this.watchdog); this.watchdog = null; }
  }

  private check(): void {
    const now = performance.now();
    for (const slot of [...this.slots]) {
      if (!slot.jobs.length) continue;
      const [running, at] = [Atomics.load(slot.progress, 0), Atomics.load(slot.progress, 1)];
      // Batch 0: the worker has not picked a batch up (one still starting, loading Ajv on a busy
      // machine, is not an item running past its limit).
      if (running === 0 || running !== slot.seen[0] || at !== slot.seen[1]) { slot.seen = [running, at]; slot.since = now; continue; }
      if (now - slot.since > this.timeoutMs) this.fail(slot, 'timeout', `validation ran past ${this.timeoutMs} ms`);
    }
  }

  /**
   * Items per batch for `requests` items: the option given, else two batches per worker (each
   * worker then holds both at once, see IN_FLIGHT), between 16 and 4096. Four a worker cost more in
   * messages and in this thread's interleaved work than they gained in overlap (on JSONSchemaBench,
   * 38.0-43.1 against 37.4-38.1 ms a pass with two workers); a cap bounds what a timeout requeues.
   */
  batchSizeFor(requests: number): number {
    return this.batchSize ?? Math.min(4096, Math.max(16, Math.ceil(requests / (2 * this.size))));
  }

  /** The number of a request's schema, given on first sight (remembered by schema object too: most requests share one). */
  private schemaId(r: ComplyRequest): number {
    const obj = r.hash === undefined && r.schema !== null && typeof r.schema === 'object' ? r.schema : null;
    const known = obj && this.idBySchema.get(obj);
    if (known !== undefined && known !== null) return known;
    const hash = r.hash ?? schemaHash(r.schema);
    let id = this.schemaIds.get(hash);
    if (id === undefined) {
      id = this.hashById.length;
      this.schemaIds.set(hash, id);
      this.hashById.push(hash);
      this.schemaById.push(r.schema);
    }
    if (obj) this.idBySchema.set(obj, id);
    return id;
  }

  /** Checks every request; outcomes come back in request order. `batchSize` overrides `batchSizeFor`. */
  async comply(requests: ComplyRequest[], opts: { batchSize?: number } = {}): Promise<ComplyOutcome[]> {
    if (this.closed) throw new Error('the validation pool is closed');
    if (!this.slots.length) for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    const out: ComplyOutcome[] = new Array(requests.length);
    const jobs: Promise<void>[] = [];
    const size = opts.batchSize ?? this.batchSizeFor(requests.length);
    for (let start = 0; start < requests.length; start += size) {
      const end = Math.min(start + size, requests.length);
      const offsets: number[] = [];
      const payloads: unknown[] = [];
      const kinds = new Uint8Array(end - start);
      const schemaIds = new Uint32Array(end - start);
      for (let i = start; i < end; i++) {
        offsets.push(i);
        const r = requests[i];
        payloads.push(r.text ?? r.instance);
        kinds[i - start] = r.text === undefined ? PAYLOAD.value : r.dialect === 'python' ? PAYLOAD.python : PAYLOAD.rfc8259;
        schemaIds[i - start] = this.schemaId(r);
      }
      const batch: QueuedBatch = { id: this.nextId++, schemaIds, payloads, kinds };
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
