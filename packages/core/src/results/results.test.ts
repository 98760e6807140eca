import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureEnv } from '../env.js';
import { buildLeaderboard, fillLeaderboardMarkers, writeLeaderboard, type SuiteMeta } from '../leaderboard.js';
import { listRecordFiles, readRecord, recordPath, validateAll, writeRecord, newRunId, type ResultRecord } from './record.js';

const suite: SuiteMeta = { id: 'demo', version: 2, metrics: [{ name: 'acc', higherIsBetter: true }, { name: 'ms', higherIsBetter: false }] };

function record(arm: string, seed: number, acc: number, ms: number, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    schemaVersion: 1, runId: newRunId(), time: '2026-11-28T00:00:00.000Z', suite: { id: 'demo', version: 2 }, arm,
    dataset: { id: 'synthetic', sha256: null, generator: 'test' }, seed, profile: 'quick', status: 'ok',
    metrics: { acc, ms }, timings: { totalSeconds: 1 }, env: captureEnv({ name: 'cpu', version: 'x', threads: 1 }), ...extra,
  };
}

describe('result records', () => {
  it('env records node, cpu, memory, backend, git and load average', () => {
    const env = captureEnv({ name: 'wasm', version: '4.22.0', threads: 1 });
    expect(env.node).toBe(process.version);
    expect(env.cores).toBeGreaterThan(0);
    expect(env.loadavg).toHaveLength(3);
    expect(env.packages['@tensorflow/tfjs-core']).toMatch(/^4\./);
    expect(env.packages['@repro/core']).toBe('0.1.0');
    expect(env.git.sha === null || /^[0-9a-f]{40}$/.test(env.git.sha)).toBe(true);
  });

  it('writes atomically to the keyed path, reads back and validates', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'repro-res-'));
    const file = writeRecord(record('a', 1, 0.9, 10), root);
    expect(file).toBe(path.join(root, 'records/demo/v2/quick/a/synthetic/seed-1.json'));
    expect(readdirSync(path.dirname(file))).toEqual(['seed-1.json']);
    expect(readRecord(file).metrics.acc).toBe(0.9);
    expect(validateAll(root)).toEqual({ files: 1, problems: [] });
  });

  it('stores non-finite metrics as null and refuses invalid records naming the field', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'repro-res-'));
    const file = writeRecord(record('a', 1, NaN, Infinity), root);
    expect(readRecord(file).metrics).toEqual({ acc: null, ms: null });
    expect(() => writeRecord({ ...record('b', 1, 1, 1), status: 'failed' }, root)).toThrow(/field \/error is required/);
    expect(() => writeRecord({ ...record('b', 1, 1, 1), seed: 1.5 }, root)).toThrow(/field \/seed must be integer/);
    expect(listRecordFiles(root)).toHaveLength(1);
  });

  it('validateAll reports a broken or misplaced file with its name', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'repro-res-'));
    const good = writeRecord(record('a', 1, 1, 1), root);
    const misplaced = recordPath({ suite: 'demo', version: 2, profile: 'quick', arm: 'a', dataset: 'synthetic', seed: 9 }, root);
    writeFileSync(misplaced, JSON.stringify(readRecord(good)));
    mkdirSync(path.join(root, 'records', 'x'), { recursive: true });
    writeFileSync(path.join(root, 'records', 'x', 'bad.json'), '{"schemaVersion": 1}');
    const { files, problems } = validateAll(root);
    expect(files).toBe(3);
    expect(problems.join('\n')).toMatch(/seed-9\.json: its fields say it belongs at records\/demo\/v2\/quick\/a\/synthetic\/seed-1\.json/);
    expect(problems.join('\n')).toMatch(/bad\.json is not valid:[\s\S]*field \/runId is required/);
  });
});

describe('leaderboard', () => {
  const root = '/r';
  const recs = [
    record('base', 1, 0.80, 12), record('base', 2, 0.82, 11), record('base', 3, 0.81, 13),
    record('ours', 1, 0.90, 20), record('ours', 2, 0.91, 21), record('ours', 3, 0.92, 22),
    record('ours', 4, 0.1, 1, { suite: { id: 'demo', version: 1 } }),
    record('ours', 5, 0.1, 1, { status: 'failed', error: 'boom' }),
  ].map((r, i) => ({ file: `/r/records/${i}.json`, record: r }));

  it('aggregates mean and 95% t interval over seeds, skipping old versions and failures', () => {
    const lb = buildLeaderboard(recs, [suite], root);
    const ours = lb.rows.find((r) => r.arm === 'ours' && r.metric === 'acc')!;
    expect(ours.n).toBe(3);
    expect(ours.mean).toBeCloseTo(0.91, 12);
    expect(ours.ci95High - ours.mean).toBeCloseTo(4.302652729 * 0.01 / Math.sqrt(3), 6);
    expect(lb.skipped).toEqual(['records/6.json: suite version 1, current is 2', 'records/7.json: status failed']);
  });

  it('writes a long CSV and a Markdown table with the best mean in bold, identically on rebuild', () => {
    const lb = buildLeaderboard(recs, [suite], root);
    expect(lb.csv.split('\n')[0]).toBe('suite,version,profile,dataset,arm,metric,higherIsBetter,n,mean,sd,ci95_low,ci95_high,backend,git_sha,records');
    expect(lb.csv).toContain('demo,2,quick,synthetic,ours,acc,true,3,0.91,0.01,');
    expect(lb.markdown).toContain('| dataset | arm | acc ↑ | ms ↓ |');
    expect(lb.markdown).toMatch(/\| synthetic \| base \| 0\.810 ± 0\.0248 \(3\) \| \*\*12\.00 ± 2\.484 \(3\)\*\* \|/);
    expect(lb.markdown).toMatch(/\| synthetic \| ours \| \*\*0\.910 ± 0\.0248 \(3\)\*\* \| 21\.00 ± 2\.484 \(3\) \|/);
    expect(buildLeaderboard([...recs].reverse(), [suite], root).markdown).toBe(lb.markdown);
    expect(lb.html).toContain('<a href="records/3.json">1</a>');
    expect(buildLeaderboard(recs, [{ ...suite, rankArms: false }], root).markdown).not.toContain('**');
  });

  it('marks no best where the arms have run different numbers of seeds', () => {
    // `ours` has one seed on acc; `base` three: 0.95 is not ranked against a three-seed mean.
    const partial = [record('base', 1, 0.80, 12), record('base', 2, 0.82, 11), record('base', 3, 0.81, 13), record('ours', 1, 0.95, 20)]
      .map((r, i) => ({ file: `/r/records/p${i}.json`, record: r }));
    const lb = buildLeaderboard(partial, [suite], root);
    expect(lb.markdown).toMatch(/\| synthetic \| ours \| 0\.950 \(1\) \| 20\.00 \(1\) \|/);
    expect(lb.markdown).not.toContain('**');
    expect(lb.html).not.toContain('class="n best"');
  });

  it('labels external references and never marks them best, even with the best mean', () => {
    const ext = [record('xgb', 1, 0.99, 1), record('xgb', 2, 0.98, 2)].map((r, i) => ({ file: `/r/records/x${i}.json`, record: r }));
    const lb = buildLeaderboard([...recs, ...ext], [{ ...suite, externalArms: ['xgb'] }], root);
    expect(lb.markdown).toMatch(/\| synthetic \| xgb \(external reference\) \| 0\.985 ± [^|]+ \| 1\.500 ± [^|]+ \|/);
    // the best of this code's arms is still marked: ours on acc, base on ms
    expect(lb.markdown).toMatch(/\| synthetic \| ours \| \*\*0\.910/);
    expect(lb.markdown).toMatch(/\| synthetic \| base \| 0\.810 ± 0\.0248 \(3\) \| \*\*12\.00/);
    expect(lb.html).toContain('<td>xgb (external reference)</td>');
    expect(lb.html).not.toMatch(/best">0\.985/);
    expect(lb.csv).toContain('demo,2,quick,synthetic,xgb,acc,true,2,0.985,');
  });

  it('fills README markers with the suite table, and says how to run a suite with no records', () => {
    const lb = buildLeaderboard(recs, [suite], root);
    const doc = 'intro\n<!-- leaderboard:demo -->\nold\n<!-- /leaderboard:demo -->\n<!-- leaderboard:other -->x<!-- /leaderboard:other -->\nend';
    const out = fillLeaderboardMarkers(doc, lb);
    expect(out).toMatch(/<!-- leaderboard:demo -->\n### demo v2 \(quick\)[\s\S]*\| synthetic \| ours \|[\s\S]*<!-- \/leaderboard:demo -->\n/);
    expect(out).not.toContain('old');
    expect(out).toContain('No records yet for other: run `npx repro run other`.');
    expect(fillLeaderboardMarkers(out, lb)).toBe(out);
  });

  it('writeLeaderboard reads the records folder and writes three files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'repro-lb-'));
    writeRecord(record('base', 1, 0.8, 1), dir);
    const out = writeLeaderboard(dir, [suite]);
    expect(out.files.map((f) => path.basename(f))).toEqual(['LEADERBOARD.md', 'leaderboard.csv', 'leaderboard.html']);
    expect(out.rows).toHaveLength(2);
  });
});
