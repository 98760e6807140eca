/** What the validation pool and its workers exchange, and the one-item step both sides share. */
import { validateWith, type Draft, type SchemaCompiler } from './comply.js';

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
}

/**
 * An instance travels either as its value or as the JSON text it was parsed from, which the worker
 * parses again: cloning a string is one copy, while cloning a value walks it on both sides, in the
 * scoring thread too.
 */
export interface ComplyItem { hash: string; instance?: unknown; text?: string; dialect?: 'rfc8259' | 'python' }
export interface ComplyBatch { id: number; schemas: [string, unknown][]; items: ComplyItem[] }

export function complyOne(compiler: SchemaCompiler, hash: string, schema: unknown, instance: unknown): ComplyOutcome {
  const fresh = compiler.size;
  const c = compiler.compile(schema, hash);
  // Compile time is reported once, by the item that paid it.
  // So are the normalisations (they travel back from workers with every item otherwise).
  const first = compiler.size > fresh;
  const compileMs = first ? c.compileMs : 0;
  const normalised = first && c.normalised.length ? { normalised: c.normalised } : {};
  if (!c.ok) return { declared: false, status: 'not-compiled', draft: c.draft, ...normalised, compileMs, compileError: c.error };
  const v = validateWith(c, instance);
  return { declared: true, status: v.valid ? 'valid' : 'invalid', draft: c.draft, ...normalised, compileMs, ...(v.errors ? { errors: v.errors } : {}) };
}
