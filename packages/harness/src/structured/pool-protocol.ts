/** What the validation pool and its workers exchange, and the one-item step both sides share. */
import type { JsonErrorPosition } from '@repro/core/json';
import { DRAFTS, validateWith, type Draft, type SchemaCompiler } from './comply.js';

export type ComplyStatus = 'valid' | 'invalid' | 'not-compiled' | 'timeout' | 'error';

export interface ComplyOutcome {
  /** The schema compiled (declared coverage). */
  declared: boolean;
  status: ComplyStatus;
  draft?: Draft;
  normalised?: string[];
  compileMs?: number;
  compileError?: string;
  errors?: string[];
  /** The instance was sent as text and that text is not JSON (it then counts as `invalid`). */
  parseError?: JsonErrorPosition;
}

/** How a batch carries each instance: its value, or the JSON text it came from in either dialect. */
export const PAYLOAD = { value: 0, rfc8259: 1, python: 2 } as const;

/**
 * A batch in columns (one array per field, not an object per item: cloning a few arrays across the
 * thread boundary is cheaper than cloning thousands of small objects). Text travels as text and the
 * worker parses it: cloning a string is one copy, while cloning a value walks it on both sides.
 * Each item names its schema by a number the pool gives each distinct schema (`schemaIds`); the
 * batch carries [number, hash, schema] for those the worker has not been sent before.
 */
export interface ComplyBatch { id: number; schemas: [number, string, unknown][]; schemaIds: Uint32Array; payloads: unknown[]; kinds: Uint8Array }

/**
 * A worker's answer: one code per item (status and draft packed, see `packOutcome`); the items'
 * validation errors as one string and two arrays of numbers (about half the items of a real run
 * fail validation, and cloning an object per such item across the thread boundary cost more than
 * checking it); the rest of an outcome (compile details, parse errors, met once per schema or per
 * broken output) as objects, only for the items that have any.
 */
export interface ComplyReply {
  id: number;
  codes: Uint8Array;
  /** Item i has `counts[i]` errors; error k is the next `lengths[k]` characters of `text`. */
  errors: { counts: Uint8Array; lengths: Uint32Array; text: string };
  extras: [number, Partial<ComplyOutcome>][];
}

const STATUSES: ComplyStatus[] = ['valid', 'invalid', 'not-compiled'];

/** The code of a worker's outcome, and its fields other than `errors` that the code does not carry (null when none). */
export function packOutcome(o: ComplyOutcome): { code: number; extra: Partial<ComplyOutcome> | null } {
  const code = STATUSES.indexOf(o.status) * 8 + DRAFTS.indexOf(o.draft ?? '2020-12');
  if (!(o.compileError || o.normalised || o.compileMs || o.parseError)) return { code, extra: null };
  const extra: Partial<ComplyOutcome> = {};
  if (o.normalised) extra.normalised = o.normalised;
  if (o.compileMs) extra.compileMs = o.compileMs;
  if (o.compileError) extra.compileError = o.compileError;
  if (o.parseError) extra.parseError = o.parseError;
  return { code, extra };
}

export function unpackOutcome(code: number, extra: Partial<ComplyOutcome> | undefined): ComplyOutcome {
  const status = STATUSES[code >> 3];
  const o: ComplyOutcome = { declared: status !== 'not-compiled', status, draft: DRAFTS[code & 7] };
  return extra ? Object.assign(o, extra) : o;
}

/** A worker's reply to a batch of `n` items, built as the items are checked. */
export class ReplyBuilder {
  private readonly codes: Uint8Array;
  private readonly counts: Uint8Array;
  private readonly lengths: number[] = [];
  private readonly texts: string[] = [];
  private readonly extras: ComplyReply['extras'] = [];

  constructor(private readonly id: number, n: number) {
    this.codes = new Uint8Array(n);
    this.counts = new Uint8Array(n);
  }

  set(i: number, o: ComplyOutcome): void {
    const { code, extra } = packOutcome(o);
    this.codes[i] = code;
    if (extra) this.extras.push([i, extra]);
    if (!o.errors) return;
    // validateWith keeps at most three; a count must fit its byte.
    const m = Math.min(255, o.errors.length);
    this.counts[i] = m;
    for (let k = 0; k < m; k++) { this.lengths.push(o.errors[k].length); this.texts.push(o.errors[k]); }
  }

  /** The reply and the buffers to transfer with it. */
  build(): { reply: ComplyReply; transfer: ArrayBuffer[] } {
    const lengths = Uint32Array.from(this.lengths);
    const reply: ComplyReply = { id: this.id, codes: this.codes, errors: { counts: this.counts, lengths, text: this.texts.join('') }, extras: this.extras };
    return { reply, transfer: [this.codes.buffer as ArrayBuffer, this.counts.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer] };
  }
}

/** The outcomes a reply carries, in item order. */
export function readReply(msg: ComplyReply): ComplyOutcome[] {
  const extras = new Map(msg.extras);
  const { counts, lengths, text } = msg.errors;
  const out: ComplyOutcome[] = new Array(msg.codes.length);
  let at = 0;
  let k = 0;
  for (let i = 0; i < msg.codes.length; i++) {
    const o = unpackOutcome(msg.codes[i], extras.get(i));
    if (counts[i]) {
      const errors: string[] = [];
      for (let c = 0; c < counts[i]; c++, k++) { errors.push(text.slice(at, at + lengths[k])); at += lengths[k]; }
      o.errors = errors;
    }
    out[i] = o;
  }
  return out;
}

/**
 * One item: compile (or find cached) and check. `parseError` says the instance was text that did not
 * parse: the schema is still compiled (declared coverage counts it) and the item is `invalid`.
 */
export function complyOne(compiler: SchemaCompiler, hash: string, schema: unknown, instance: unknown, parseError?: JsonErrorPosition): ComplyOutcome {
  const fresh = compiler.size;
  const c = compiler.compile(schema, hash);
  const o: ComplyOutcome = { declared: c.ok, status: 'not-compiled', draft: c.draft };
  // Compile time and normalisations are reported once, by the item that paid for them (they would
  // travel back from the workers with every item otherwise).
  if (compiler.size > fresh) {
    if (c.normalised.length) o.normalised = c.normalised;
    o.compileMs = c.compileMs;
  }
  if (!c.ok) o.compileError = c.error;
  else if (parseError) o.status = 'invalid';
  else {
    const v = validateWith(c, instance);
    o.status = v.valid ? 'valid' : 'invalid';
    if (v.errors) o.errors = v.errors;
  }
  if (parseError) o.parseError = parseError;
  return o;
}
