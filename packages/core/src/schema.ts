/**
 * Loading and validating JSON documents against the JSON Schemas in packages/core/schemas
 * (2020-12, ajv). Errors name the file, the line where it can be found, and the field.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseJson } from './json.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const compiled = new Map<string, ValidateFunction>();

/** A schema: the name of one of core's (schemas/<name>.schema.json) or the URL of any schema file. */
export type SchemaRef = string | URL;

function validator(ref: SchemaRef): ValidateFunction {
  const url = typeof ref === 'string' ? new URL(`../schemas/${ref}.schema.json`, import.meta.url) : ref;
  let v = compiled.get(url.href);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(url, 'utf8')));
    compiled.set(url.href, v);
  }
  return v;
}

export class ValidationError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'ValidationError';
  }
}

/** The 1-based line on which a JSON pointer's last key first appears, best effort. */
function lineOf(text: string, pointer: string): number | null {
  const key = pointer.split('/').filter(Boolean).pop();
  if (key === undefined || /^\d+$/.test(key)) return null;
  const at = text.indexOf(`"${key.replace(/~1/g, '/').replace(/~0/g, '~')}"`);
  return at < 0 ? null : text.slice(0, at).split('\n').length;
}

function describe(e: ErrorObject, text: string | null): string {
  let field = e.instancePath || '(root)';
  if (e.keyword === 'required') field = `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`;
  if (e.keyword === 'additionalProperties') field = `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`;
  const line = text ? lineOf(text, field) ?? lineOf(text, e.instancePath) : null;
  const msg = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not allowed' : e.message ?? 'is invalid';
  return `${line ? `line ${line}: ` : ''}field ${field} ${msg}`;
}

/** Validates `value` against a schema; throws ValidationError naming `file` and each field. */
export function validate<T>(schema: SchemaRef, value: unknown, file: string, text: string | null = null): T {
  const v = validator(schema);
  if (!v(value)) throw new ValidationError(file, (v.errors ?? []).map((e) => describe(e, text)));
  return value as T;
}

/** Reads a JSON file and validates it; a syntax error names the file and line. */
export function readJsonFile<T>(schema: SchemaRef, file: string): T {
  const text = readFileSync(file, 'utf8');
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ValidationError(file, [`line ${parsed.line}, column ${parsed.column}: not JSON: ${parsed.message}`]);
  const value = parsed.value;
  return validate<T>(schema, value, file, text);
}
