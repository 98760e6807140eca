/**
 * Schema compliance: compile a JSON Schema with Ajv under the draft its `$schema` names (2020-12 by
 * default, as Python jsonschema's `validator_for` does), after normalising what real-world schemas
 * get wrong, and validate instances against it. Compiled validators are cached by a hash of the
 * canonical (key-sorted) schema, so a schema shared by many samples compiles once.
 */
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import Ajv07 from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { createRequire } from 'node:module';

export const DRAFTS = ['draft-04', 'draft-06', 'draft-07', '2019-09', '2020-12'] as const;
export type Draft = (typeof DRAFTS)[number];

export interface Compiled {
  ok: boolean;
  draft: Draft;
  /** Each normalisation applied, in words. */
  normalised: string[];
  compileMs: number;
  error?: string;
  validate?: ValidateFunction;
}

export interface Verdict { valid: boolean; errors?: string[] }

/** The draft a schema's `$schema` names; unknown or absent means 2020-12 (Python jsonschema's default). */
export function draftOf(schema: unknown): Draft {
  const uri = schema && typeof schema === 'object' && typeof (schema as { $schema?: unknown }).$schema === 'string' ? (schema as { $schema: string }).$schema : '';
  if (/draft-0[34]\b/.test(uri)) return 'draft-04';
  if (/draft-06\b/.test(uri)) return 'draft-06';
  if (/draft-07\b/.test(uri)) return 'draft-07';
  if (/2019-09/.test(uri)) return '2019-09';
  return '2020-12';
}

/** The part of an Ajv instance this module uses (the draft classes share it). */
interface AjvLike {
  compile(schema: object): ValidateFunction;
  removeSchema(): unknown;
  addMetaSchema(schema: object): unknown;
  addFormat(name: string, format: RegExp): unknown;
}

const require_ = createRequire(import.meta.url);

/**
 * IRIs (RFC 3987) are what Python's format checker knows and ajv-formats does not: an IRI is a
 * scheme, a colon and no whitespace; a reference may be relative.
 */
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/u;
const IRI_REFERENCE = /^[^\s]*$/u;

function makeAjv(draft: Draft, unicodeRegExp: boolean): AjvLike {
  // strict: false because real schemas carry unknown keywords and formats; the logger is off
  // because those warnings would flood a run of thousands of schemas.
  const opts = { strict: false, allErrors: false, logger: false as const, validateFormats: true, unicodeRegExp };
  const Ctor = (draft === 'draft-04' ? AjvDraft04 : draft === '2019-09' ? Ajv2019 : draft === '2020-12' ? Ajv2020 : Ajv07) as unknown as new (o: object) => AjvLike;
  const ajv = new Ctor(opts);
  if (draft === 'draft-06') ajv.addMetaSchema(require_('ajv/dist/refs/json-schema-draft-06.json'));
  (addFormats as unknown as (a: AjvLike) => void)(ajv);
  ajv.addFormat('iri', IRI);
  ajv.addFormat('iri-reference', IRI_REFERENCE);
  return ajv;
}

/** Key-sorted JSON: the same schema written in another key order hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

// Many samples share one schema object; hash it once. Schemas are treated as immutable once scored.
const hashes = new WeakMap<object, string>();

export function schemaHash(schema: unknown): string {
  const cached = schema && typeof schema === 'object' ? hashes.get(schema) : undefined;
  if (cached) return cached;
  const h = createHash('sha256').update(canonicalJson(schema)).digest('hex').slice(0, 32);
  if (schema && typeof schema === 'object') hashes.set(schema, h);
  return h;
}

/**
 * What real schemas get wrong, fixed so Ajv reads them as Python jsonschema does:
 * - `$schema` is dropped once the draft is chosen (Ajv would otherwise look the URI up, and reject
 *   variants such as a missing '#' or an unknown meta-schema);
 * - `$async` is dropped everywhere (it makes Ajv return a promise; it is not a JSON Schema keyword);
 * - a nested `$id` that repeats one seen before is dropped (Ajv refuses a document where one id names
 *   two schemas; Python resolves to the first).
 */
export function normaliseSchema(schema: unknown, draft = draftOf(schema)): { schema: unknown; normalised: string[] } {
  const notes = new Set<string>();
  const ids = new Set<string>();
  const walk = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
      if (key === '$async') { notes.add('dropped $async'); continue; }
      if (key === '$schema' && depth === 0) { notes.add('dropped $schema after choosing the draft'); continue; }
      if ((key === '$id' || key === 'id') && typeof val === 'string') {
        // Draft-04's `id` is its `$id`; later drafts ignore `id`, and Ajv refuses it outright.
        if (key === 'id' && draft !== 'draft-04') { notes.add('dropped `id` (not a keyword after draft-04)'); continue; }
        if (/^https?:\/\/json-schema\.org\//.test(val)) { notes.add(`dropped ${key} ${JSON.stringify(val)} (a copy of a meta-schema)`); continue; }
        if (ids.has(val)) { notes.add(`dropped a repeated ${key} ${JSON.stringify(val)}`); continue; }
        ids.add(val);
      }
      if (key === 'enum' && Array.isArray(val)) {
        const seen = new Set<string>();
        const unique = val.filter((x) => { const c = canonicalJson(x); if (seen.has(c)) return false; seen.add(c); return true; });
        if (unique.length < val.length) notes.add('removed repeated enum values');
        out[key] = unique;
        continue;
      }
      // `const`, `default` and `examples` hold data, not schemas: copy them untouched.
      out[key] = key === 'const' || key === 'default' || key === 'examples' ? val : walk(val, depth + 1);
    }
    return out;
  };
  return { schema: walk(schema, 0), normalised: [...notes] };
}

/** A compiler with one Ajv instance per draft and a cache of compiled schemas keyed by schema hash. */
export class SchemaCompiler {
  private ajvs = new Map<string, AjvLike>();

  private ajv(draft: Draft, unicode: boolean): AjvLike {
    const key = `${draft}/${unicode}`;
    let ajv = this.ajvs.get(key);
    if (!ajv) { ajv = makeAjv(draft, unicode); this.ajvs.set(key, ajv); }
    return ajv;
  }

  private tryCompile(draft: Draft, unicode: boolean, schema: object): ValidateFunction {
    const ajv = this.ajv(draft, unicode);
    try {
      return ajv.compile(schema);
    } finally {
      // Forget the schema's ids, so another schema with the same $id compiles on its own.
      ajv.removeSchema();
    }
  }
  private cache = new Map<string, Compiled>();

  get size(): number { return this.cache.size; }

  compile(schema: unknown, hash = schemaHash(schema)): Compiled {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const draft = draftOf(schema);
    const t0 = performance.now();
    let out: Compiled;
    if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) {
      out = { ok: false, draft, normalised: [], compileMs: 0, error: `a schema must be an object or a boolean, got ${Array.isArray(schema) ? 'an array' : typeof schema}` };
    } else {
      const { schema: fixed, normalised } = normaliseSchema(schema, draft);
      try {
        let validate: ValidateFunction;
        try {
          validate = this.tryCompile(draft, true, fixed as object);
        } catch (e) {
          // Python's `re` accepts identity escapes such as `\-` or `\:` that a unicode-mode JS
          // regular expression rejects; such patterns compile without the u flag.
          if (!/Invalid regular expression/.test((e as Error).message)) throw e;
          validate = this.tryCompile(draft, false, fixed as object);
          normalised.push('patterns compiled without the u flag (Python-style escapes)');
        }
        out = { ok: true, draft, normalised, compileMs: performance.now() - t0, validate };
      } catch (e) {
        out = { ok: false, draft, normalised, compileMs: performance.now() - t0, error: (e as Error).message.slice(0, 500) };
      }
    }
    this.cache.set(hash, out);
    return out;
  }
}

export function validateWith(c: Compiled, instance: unknown): Verdict {
  if (!c.validate) return { valid: false, errors: [c.error ?? 'schema did not compile'] };
  const valid = c.validate(instance) as boolean;
  return valid ? { valid } : { valid, errors: (c.validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()) };
}
