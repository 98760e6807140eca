/**
 * The validator check behind suite `jsonschemabench-validator`: compile every schema of a split
 * (declared coverage, compile time) and validate every labelled instance through the worker pool,
 * counting agreement with the labels (which Python jsonschema produced).
 */
import { quantileSorted, type JsonSchemaBenchEntry } from '@repro/core';
import { SchemaCompiler, schemaHash } from './comply.js';
import type { ValidationPool } from './pool.js';

export interface ValidatorDisagreement {
  file: string;
  kind: 'compile-error' | 'false-accept' | 'false-reject' | 'timeout';
  draft: string;
  test?: string;
  data?: unknown;
  detail?: string;
}

export interface ValidatorReport {
  metrics: {
    schemas: number; instances: number; compile_rate: number; agreement: number; false_accepts: number; false_rejects: number;
    timeouts: number; compile_p50_ms: number; compile_p99_ms: number; validations_per_s: number;
  };
  disagreements: ValidatorDisagreement[];
}

export async function checkValidator(entries: JsonSchemaBenchEntry[], pool: ValidationPool): Promise<ValidatorReport> {
  // Compile time is measured here, in one thread, on a compiler that has seen no schema before.
  const compiler = new SchemaCompiler();
  const hashes = entries.map((e) => schemaHash(e.schema));
  const compiled = entries.map((e, i) => compiler.compile(e.schema, hashes[i]));
  const disagreements: ValidatorDisagreement[] = [];
  compiled.forEach((c, i) => { if (!c.ok) disagreements.push({ file: entries[i].file, kind: 'compile-error', draft: c.draft, detail: c.error }); });

  const requests = entries.flatMap((e, i) => e.tests.map((t) => ({ schema: e.schema, hash: hashes[i], instance: t.data })));
  const labels = entries.flatMap((e, i) => e.tests.map((t) => ({ entry: i, test: t })));
  const t0 = performance.now();
  const outcomes = await pool.comply(requests);
  const seconds = (performance.now() - t0) / 1000;

  let agree = 0;
  let fa = 0;
  let fr = 0;
  let timeouts = 0;
  outcomes.forEach((o, k) => {
    const { entry, test } = labels[k];
    const accepted = o.status === 'valid';
    if (o.status === 'timeout') timeouts++;
    if (accepted === test.valid) { agree++; return; }
    if (accepted) fa++; else fr++;
    disagreements.push({
      file: entries[entry].file, kind: o.status === 'timeout' ? 'timeout' : accepted ? 'false-accept' : 'false-reject', draft: compiled[entry].draft,
      test: test.description, data: test.data, detail: o.errors?.join('; ') ?? o.compileError,
    });
  });
  const times = compiled.map((c) => c.compileMs).sort((a, b) => a - b);
  return {
    metrics: {
      schemas: entries.length, instances: requests.length,
      compile_rate: (100 * compiled.filter((c) => c.ok).length) / entries.length,
      agreement: requests.length ? (100 * agree) / requests.length : Number.NaN,
      false_accepts: fa, false_rejects: fr, timeouts,
      compile_p50_ms: quantileSorted(times, 0.5), compile_p99_ms: quantileSorted(times, 0.99),
      validations_per_s: requests.length / seconds,
    },
    disagreements,
  };
}
