import { describe, expect, it } from 'vitest';
import { readGolden } from '@repro/core/testing';
import { accuracy, jsonMatch } from './accuracy.js';
import { aggregate, rates } from './aggregate.js';
import { canonicalJson, draftOf, normaliseSchema, SchemaCompiler, schemaHash, validateWith } from './comply.js';
import { extractJson, pyStrip } from './extract.js';
import { parseStrict } from './parse.js';
import { ValidationPool } from './pool.js';
import { scoreSamples, scoreWithValues, type Sample, type SampleScore } from './score.js';

interface LmevalVector { name: string; prediction: string; schema?: unknown; json_validity?: boolean; schema_compliance: boolean }
const lmeval = readGolden<{ schema: unknown; vectors: LmevalVector[] }>('structured-output/lmeval_vectors.json');
const derived = readGolden<{
  promptfoo_derived_by_reading_src_util_json_ts: { assert: string; output: string; pass: boolean; extracted?: unknown[] }[];
  openai_evals_json_match_derived_by_reading: { sampled?: unknown; sampled_raw?: string; ideal: unknown; match: boolean }[];
  jsonschemabench_evaluator_derived_by_reading: { example: { declared: number[]; empirical: number[]; declared_coverage: number; empirical_coverage: number; compliance: number } };
}>('structured-output/derived_vectors.json');

describe('extract', () => {
  it('pyStrip removes any of the characters, as Python does', () => {
    expect(pyStrip('null', 'json')).toBe('ull');
    expect(pyStrip('  \n x \t')).toBe('x');
    expect(pyStrip('```json\n{}\n```', '`')).toBe('json\n{}\n');
  });

  it('fence takes the first json or bare fence, and runs an unclosed fence to the end', () => {
    expect(extractJson('a\n```json\n{"a":1}\n```\n```\n[2]\n```', 'fence').text).toBe('{"a":1}\n');
    expect(extractJson('```\n[1]\n```', 'fence').text).toBe('[1]\n');
    const open = extractJson('x ```json\n{"a": [1', 'fence', 'length');
    expect(open.text).toBe('{"a": [1');
    expect(open.truncated).toBe(true);
    expect(extractJson('no fence', 'fence').found).toBe(false);
  });

  it('scan finds the first balanced value, string- and escape-aware, with span and trailing text', () => {
    const s = 'Sure: {"a": "}", "b": "\\"{"} and [1]. Done';
    const ex = extractJson(s, 'scan');
    expect(ex.text).toBe('{"a": "}", "b": "\\"{"}');
    expect(ex.span).toEqual([6, 6 + ex.text.length]);
    expect(ex.trailing).toBe('and [1]. Done');
    expect(extractJson('list: [1, {"x": 2}]', 'scan').text).toBe('[1, {"x": 2}]');
    expect(extractJson('{"a": [1}', 'scan').found).toBe(false);
  });

  it('promptfoo mode reproduces contains-json on every derived vector', () => {
    for (const v of derived.promptfoo_derived_by_reading_src_util_json_ts) {
      const mode = v.assert === 'is-json' ? 'raw' : 'promptfoo';
      const ex = extractJson(v.output, mode);
      const p = ex.found ? parseStrict(ex.text) : null;
      const pass = mode === 'raw' ? p?.ok === true : p?.ok === true && typeof p.value === 'object';
      expect(pass, `${v.assert} ${JSON.stringify(v.output)}`).toBe(v.pass);
      if (v.extracted && p?.ok) expect(p.value).toEqual(v.extracted[0]);
    }
    expect(extractJson('{"a": {"b": 1}', 'promptfoo').autoClosed).toBe(1);
  });
});

describe('parse', () => {
  it('is strict by default and reports where it failed', () => {
    const r = parseStrict('{"a": 1,\n "b": NaN}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.line, r.column]).toEqual([2, 7]);
    expect(parseStrict('[1,]').ok).toBe(false);
    expect(parseStrict(' {"a": [1, 2.5e3]} ')).toEqual({ ok: true, value: { a: [1, 2500] } });
  });

  it('the python dialect reads NaN and Infinity outside strings only', () => {
    const r = parseStrict('{"a": NaN, "b": [-Infinity, Infinity], "c": "NaN"}', 'python');
    expect(r.ok).toBe(true);
    if (r.ok) {
      const v = r.value as { a: number; b: number[]; c: string };
      expect(Number.isNaN(v.a)).toBe(true);
      expect(v.b).toEqual([-Infinity, Infinity]);
      expect(v.c).toBe('NaN');
    }
    expect(parseStrict('{"a": nan}', 'python').ok).toBe(false);
  });
});

describe('comply', () => {
  it('picks the draft from $schema, defaulting to 2020-12', () => {
    expect(draftOf({ $schema: 'http://json-schema.org/draft-04/schema#' })).toBe('draft-04');
    expect(draftOf({ $schema: 'http://json-schema.org/draft-06/schema' })).toBe('draft-06');
    expect(draftOf({ $schema: 'http://json-schema.org/draft-07/schema#' })).toBe('draft-07');
    expect(draftOf({ $schema: 'https://json-schema.org/draft/2019-09/schema' })).toBe('2019-09');
    expect(draftOf({})).toBe('2020-12');
  });

  it('draft-04 boolean exclusiveMaximum works under draft-04 and is a compile error under 2020-12', () => {
    const c = new SchemaCompiler();
    const d4 = c.compile({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', maximum: 5, exclusiveMaximum: true });
    expect(d4.ok).toBe(true);
    expect(validateWith(d4, 5).valid).toBe(false);
    expect(validateWith(d4, 4.9).valid).toBe(true);
    const d20 = c.compile({ type: 'number', maximum: 5, exclusiveMaximum: true });
    expect(d20.ok).toBe(false);
    expect(d20.error).toMatch(/exclusiveMaximum/);
  });

  it('normalises $async, a non-draft-04 id, repeated enum values and Python-style regex escapes', () => {
    const n = normaliseSchema({ $async: true, id: 'x', type: 'object', properties: { id: { type: 'string', enum: ['a', 'a'] } } });
    expect(n.schema).toEqual({ type: 'object', properties: { id: { type: 'string', enum: ['a'] } } });
    expect(n.normalised).toHaveLength(3);
    const c = new SchemaCompiler();
    const re = c.compile({ type: 'string', pattern: '^[\\w\\-]+\\:x$' });
    expect(re.ok).toBe(true);
    expect(re.normalised.join()).toMatch(/without the u flag/);
    expect(validateWith(re, 'a-b:x').valid).toBe(true);
  });

  it('caches by canonical schema, so key order does not matter, and two schemas may share an $id', () => {
    expect(schemaHash({ a: 1, b: [2, { c: 3, d: 4 }] })).toBe(schemaHash({ b: [2, { d: 4, c: 3 }], a: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    const c = new SchemaCompiler();
    const a = c.compile({ $id: 'http://x/s', type: 'string' });
    const b = c.compile({ $id: 'http://x/s', type: 'integer' });
    expect(c.compile({ type: 'string', $id: 'http://x/s' })).toBe(a);
    expect(validateWith(a, 'x').valid).toBe(true);
    expect(validateWith(b, 3).valid).toBe(true);
  });
});

describe('lm-evaluation-harness jsonschema_bench', () => {
  it('lmeval mode reproduces every validity and compliance verdict', async () => {
    const samples = lmeval.vectors.map((v) => ({ id: v.name, output: v.prediction, schema: v.schema ?? lmeval.schema }));
    const scores = await scoreSamples(samples, { extract: 'lmeval', workers: 1 });
    lmeval.vectors.forEach((v, i) => {
      if (v.json_validity !== undefined) expect(scores[i].parsed, `${v.name} validity`).toBe(v.json_validity);
      expect(scores[i].compliant, `${v.name} compliance`).toBe(v.schema_compliance);
    });
  });
});

describe('where outputs are parsed', () => {
  it('the pool parsing an output gives the score this thread parsing it gives, parse errors included', async () => {
    const schema = { type: 'object', properties: { a: { type: 'number', maximum: 3 } }, required: ['a'] };
    const outputs = ['{"a": 1}', 'text {"a": 4} after', '{"a": 1,}', '{\n  "a": 01}', 'no json here', '{"a": NaN}', '```json\n{"a": Infinity}\n```', '[1, 2'];
    const samples: Sample[] = outputs.flatMap((output, k) => [
      { id: `s${k}`, output, schema },
      { id: `bad${k}`, output, schema: [1] },
      { id: `gold${k}`, output, schema, gold: { a: 1 } },
      { id: `plain${k}`, output },
    ]);
    for (const extract of ['scan', 'lmeval', 'raw'] as const) {
      const byPool = await scoreSamples(samples, { extract, workers: 1 });
      const byThisThread = (await scoreWithValues(samples, { extract, workers: 1 })).scores;
      const inline = await scoreSamples(samples, { extract, inline: new SchemaCompiler() });
      expect(byPool, extract).toEqual(byThisThread);
      expect(byPool, extract).toEqual(inline);
    }
    const scan = await scoreSamples(samples, { extract: 'scan', workers: 1 });
    expect(scan.filter((s) => s.id.startsWith('s')).map((s) => [s.parsed, s.compliant])).toEqual([
      [true, true], [true, false], [false, false], [false, false], [false, false], [false, false], [false, false], [false, false],
    ]);
    expect(scan.find((s) => s.id === 's3')!.parseError).toMatchObject({ line: 2, column: 9 });
    expect(scan.find((s) => s.id === 'bad0')!).toMatchObject({ parsed: true, declared: false, complyStatus: 'not-compiled' });
  });

  it('scores come back in sample order through many small chunks, some with nothing to check', async () => {
    // Batches of 2: each chunk of two samples is its own batch; the plain samples, grouped at the
    // end, make chunks the pool never sees.
    const schema = { type: 'integer', maximum: 3 };
    const samples: Sample[] = [
      ...Array.from({ length: 9 }, (_, k) => ({ id: `c${k}`, output: String(k), schema })),
      ...Array.from({ length: 5 }, (_, k) => ({ id: `p${k}`, output: k % 2 ? '[' : String(k) })),
    ];
    const pool = new ValidationPool({ workers: 2, batchSize: 2 });
    try {
      const byPool = await scoreSamples(samples, { pool });
      expect(byPool.map((s) => s.id)).toEqual(samples.map((s) => s.id));
      expect(byPool).toEqual(await scoreSamples(samples, { inline: new SchemaCompiler() }));
      expect(byPool.map((s) => s.compliant)).toEqual([true, true, true, true, false, false, false, false, false, null, null, null, null, null]);
    } finally {
      await pool.close();
    }
  });
});

describe('accuracy', () => {
  it('openai-evals json_match on every derived vector', () => {
    for (const v of derived.openai_evals_json_match_derived_by_reading) {
      let sampled = v.sampled;
      if (v.sampled_raw !== undefined) { const p = parseStrict(v.sampled_raw, 'python'); sampled = p.ok ? p.value : undefined; }
      expect(jsonMatch(sampled, v.ideal), JSON.stringify(v)).toBe(v.match);
    }
  });

  it('structure F1, content accuracy and exact match', () => {
    const gold = { name: 'Ann', age: 31, tags: ['a', 'b'] };
    expect(accuracy(gold, gold)).toEqual({ structureF1: 1, structurePrecision: 1, structureRecall: 1, contentAccuracy: 1, exact: true });
    // gold paths: $, name, age, tags, tags[0], tags[1] (6); prediction adds an extra key and drops tags[1]
    const a = accuracy({ name: ' Ann ', age: 31.0000001, tags: ['a'], extra: true }, gold);
    expect(a.structurePrecision).toBeCloseTo(5 / 6, 12);
    expect(a.structureRecall).toBeCloseTo(5 / 6, 12);
    expect(a.contentAccuracy).toBeCloseTo(3 / 4, 12);
    expect(a.exact).toBe(false);
    // a number as a string is a type change: the path differs
    expect(accuracy({ age: '31' }, { age: 31 }).structureF1).toBeCloseTo(0.5, 12);
    expect(accuracy({ s: 'e\u0301' }, { s: '\u00e9' }).exact).toBe(true);
  });
});

describe('aggregate', () => {
  it('follows the JSONSchemaBench evaluator on its worked example', () => {
    const ex = derived.jsonschemabench_evaluator_derived_by_reading.example;
    const scores = ex.declared.map((d, i) => ({ declared: d === 1, parsed: ex.empirical[i] === 1 || d === 1, compliant: ex.empirical[i] === 1, truncated: false }) as SampleScore);
    const s = aggregate(scores, 7, 200);
    expect(s.declaredCoverage!.estimate).toBeCloseTo(ex.declared_coverage, 12);
    expect(s.empiricalCoverage!.estimate).toBeCloseTo(ex.empirical_coverage, 12);
    expect(s.compliance!.estimate).toBeCloseTo(ex.compliance, 4);
    expect(s.compliance!.n).toBe(3);
    expect(s.compliance!.ci[0]).toBeLessThanOrEqual(s.compliance!.estimate);
    expect(aggregate(scores, 7, 200)).toEqual(s);
  });

  it('groups rows without mixing them up: each estimate is its column\'s mean over the rows where it is present', () => {
    // 0/1/null rows group by a numeric key, rows with other values by a string; both must keep
    // every distinct row apart.
    let x = 12345;
    const next = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
    const cols: (number | null)[][] = Array.from({ length: 9 }, (_, m) => Array.from({ length: 500 }, () => {
      const u = next();
      return u < 0.2 ? null : m === 8 ? Math.round(u * 4) / 4 : u < 0.6 ? 0 : 1;
    }));
    const out = rates(cols, 3, 50);
    cols.forEach((c, m) => {
      const present = c.filter((v): v is number => v !== null);
      expect(out[m]!.n).toBe(present.length);
      expect(out[m]!.estimate).toBeCloseTo(present.reduce((a, b) => a + b, 0) / present.length, 12);
    });
  });
});
