import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { armConfig, listSuites, loadSuiteFile, suiteMeta } from './spec.js';
import { REGISTRY } from './registry.js';
import { suggest } from './didyoumean.js';

const valid = {
  id: 'demo', version: 1, title: 'Demo', datasets: ['synthetic'], protocol: { epochs: 5, lr: 0.1 },
  arms: [{ id: 'a', method: 'engine.tfjs', config: { lr: 0.2 } }, { id: 'b', method: 'engine.pytorch' }],
  seeds: [1, 2], metrics: [{ name: 'acc', higherIsBetter: true }], profiles: { quick: {}, full: { epochs: 50 } },
};

function write(obj: unknown, name = 'demo.json'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'repro-spec-'));
  const file = path.join(dir, name);
  writeFileSync(file, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2));
  return file;
}

describe('suite specs', () => {
  it('every committed suite validates and names only registered methods', () => {
    const suites = listSuites();
    expect(suites.map((s) => s.id)).toContain('engine');
    for (const s of suites) for (const a of s.arms) expect(Object.keys(REGISTRY)).toContain(a.method);
  });
  it('merges protocol, profile and arm config in that order', () => {
    const s = loadSuiteFile(write(valid));
    expect(armConfig(s, s.arms[0], 'quick')).toEqual({ epochs: 5, lr: 0.2 });
    expect(armConfig(s, s.arms[1], 'full')).toEqual({ epochs: 50, lr: 0.1 });
  });
  it('passes the arms marked external to the leaderboard, and only those', () => {
    const s = loadSuiteFile(write({ ...valid, arms: [...valid.arms, { id: 'xgb', method: 'engine.pytorch', external: true }] }));
    expect(suiteMeta(s).externalArms).toEqual(['xgb']);
    expect(suiteMeta(loadSuiteFile(write(valid))).externalArms).toBeUndefined();
    expect(() => loadSuiteFile(write({ ...valid, arms: [{ id: 'x', method: 'engine.pytorch', external: 'yes' }] }))).toThrow(/field \/arms\/0\/external/);
  });
  it('errors name the file, the line and the field', () => {
    const bad = write({ ...valid, metrics: [{ name: 'acc' }], profiles: { quick: {} } });
    expect(() => loadSuiteFile(bad)).toThrow(/demo\.json is not valid:[\s\S]*field \/metrics\/0\/higherIsBetter is required[\s\S]*field \/profiles\/full is required/);
    const typo = write({ ...valid, seed: [1] });
    const line = readFileSync(typo, 'utf8').split('\n').findIndex((l) => l.includes('"seed"')) + 1;
    expect(() => loadSuiteFile(typo)).toThrow(new RegExp(`line ${line}: field /seed is not allowed`));
    expect(() => loadSuiteFile(write({ ...valid, arms: [valid.arms[0], valid.arms[0]] }))).toThrow(/field \/arms has the id "a" twice/);
    expect(() => loadSuiteFile(write(valid, 'other.json'))).toThrow(/field \/id is "demo" but the file is named other\.json/);
    expect(() => loadSuiteFile(write('{"id": "demo",\n  "version": 1,,}'))).toThrow(/line 2, column 16: not JSON: expected a property name/);
  });
  it('suggests near names', () => {
    expect(suggest('engin', ['engine', 'noisy-labels-optdigits'])).toEqual(['engine']);
    expect(suggest('zzz', ['engine'])).toEqual([]);
  });
});
