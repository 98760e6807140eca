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
  validateMs?: number;
  compileError?: string;
  errors?: string[];
}

export interface ComplyItem { hash: string; instance: unknown }
export interface ComplyBatch { id: number; schemas: [string, unknown][]; items: ComplyItem[] }

export function complyOne(compiler: SchemaCompiler, hash: string, schema: unknown, instance: unknown): ComplyOutcome {
  const fresh = compiler.size;
  const c = compiler.compile(schema, hash);
  // Compile time is reported once, by the item that paid it.
  const compileMs = compiler.size > fresh ? c.compileMs : 0;
  if (!c.ok) return { declared: false, status: 'not-compiled', draft: c.draft, normalised: c.normalised, compileMs, compileError: c.error };
  const t0 = performance.now();
  const v = validateWith(c, instance);
  return { declared: true, status: v.valid ? 'valid' : 'invalid', draft: c.draft, normalised: c.normalised, compileMs, validateMs: performance.now() - t0, errors: v.errors };
}
