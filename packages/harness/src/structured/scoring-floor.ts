/**
 * The part of scoring no pipeline can shed, for the throughput benchmark's ceilings: per instance,
 * JSON.parse and the compiled Ajv validator, nothing else (the loop Python's peer runs). Schemas
 * split in two by hash give each of two cores its share, so that each core runs only its half of
 * the validators (see scoring.bench.ts).
 */
import { JSONSCHEMABENCH_SPLITS, loadJsonSchemaBench } from '@repro/core';
import { SchemaCompiler, schemaHash } from './comply.js';

/** An instance's text and its schema's validator (null where the schema does not compile). */
export interface FloorItem { text: string; validate: ((v: unknown) => unknown) | null }

/** Which half of the schemas a schema falls in. */
function schemaHalf(schema: unknown): 0 | 1 {
  return (parseInt(schemaHash(schema).slice(0, 8), 16) % 2) as 0 | 1;
}

/** Every labelled JSONSchemaBench instance (or those of one half of the schemas), validators compiled. */
export async function loadFloorItems(half?: 0 | 1): Promise<FloorItem[]> {
  const compiler = new SchemaCompiler();
  const items: FloorItem[] = [];
  for (const split of JSONSCHEMABENCH_SPLITS) {
    for (const e of await loadJsonSchemaBench(split)) {
      if (half !== undefined && schemaHalf(e.schema) !== half) continue;
      const validate = compiler.compile(e.schema).validate ?? null;
      for (const t of e.tests) items.push({ text: JSON.stringify(t.data), validate });
    }
  }
  return items;
}

/** Parses and checks every item; returns how many are valid (so the work cannot be skipped). */
export function parseAndValidate(items: FloorItem[]): number {
  let valid = 0;
  for (const { text, validate } of items) {
    const value: unknown = JSON.parse(text);
    if (validate !== null && validate(value)) valid++;
  }
  return valid;
}
