import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useSharedMirror } from '@repro/core/testing';
import { defaultJobs } from './runner.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const mirror = useSharedMirror();

function repro(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, REPRO_QUIET: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the repro command', () => {
  it('is linked by npm install (its file is committed, not built) and runs the command line', () => {
    const linked = fileURLToPath(new URL('../../../node_modules/.bin/repro', import.meta.url));
    expect(existsSync(linked), `${linked} missing: npm ci did not link the bin`).toBe(true);
    const r = spawnSync(linked, ['--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/repro run <suite>|Usage/);
  });
});

describe('repro score-json', () => {
  it('scores a file against a schema and gold, reports malformed lines, writes per-sample JSONL', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'repro-score-'));
    const f = (name: string, text: string) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };
    const outputs = f('o.jsonl', [
      JSON.stringify({ id: '1', output: 'Here:\n```json\n{"a": 1}\n```' }),
      JSON.stringify({ id: '2', output: '{"a": "x"}' }),
      'junk',
      JSON.stringify({ id: '3', output: '{"a": 2', finish_reason: 'length' }),
      JSON.stringify({ id: '4', response: { choices: [{ message: { content: '{"a": 4}' }, finish_reason: 'stop' }] } }),
    ].join('\n'));
    const schema = f('s.json', '{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}');
    const gold = f('g.jsonl', ['{"id": "1", "gold": {"a": 1}}', '{"id": "2", "gold": {"a": 2}}', '{"id": "3", "ideal": "{\\"a\\": 2}"}', '{"id": "4", "gold": {"a": 5}}'].join('\n'));
    const samples = path.join(dir, 'scored.jsonl');
    const r = repro(['score-json', '--outputs', outputs, '--schema', schema, '--gold', gold, '--extract', 'fence', '--format', 'json', '--samples', samples]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/o\.jsonl:3: not JSON/);
    const s = JSON.parse(r.out);
    expect(s.n).toBe(4);
    expect(s.validity.estimate).toBe(0.25);
    expect(s.compliance.estimate).toBe(0.25);
    expect(s.truncation.estimate).toBe(0.25);
    const lines = readFileSync(samples, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['1', '2', '4', '3'].sort());
    expect(lines.find((l) => l.id === '1')).toMatchObject({ parsed: true, compliant: true, jsonMatch: true });
    const raw = JSON.parse(repro(['score-json', '--outputs', outputs, '--schema', schema, '--gold', gold, '--format', 'json']).out);
    expect(raw.validity.estimate).toBe(0.5);
    expect(raw.contentAccuracy.estimate).toBe(0);
    const csv = repro(['score-json', '--outputs', outputs, '--format', 'csv']);
    expect(csv.out.split('\n')[0]).toBe('metric,estimate,ci_low,ci_high,n');
  });

  it('rejects bad usage with exit code 2', () => {
    expect(repro(['score-json']).err).toMatch(/needs --outputs/);
    const bad = repro(['score-json', '--outputs', '/nonexistent.jsonl']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no such file/);
    expect(repro(['score-json', '--outputs', cli, '--extract', 'scna']).err).toMatch(/Did you mean 'scan'/);
    for (const bad of ['0', 'two']) {
      const r = repro(['run', 'engine', `--jobs=${bad}`]);
      expect(r.code, bad).toBe(2);
      expect(r.err).toMatch(/--jobs takes a positive integer/);
    }
    expect(repro(['run', 'engine'], { REPRO_JOBS: 'all' }).err).toMatch(/REPRO_JOBS takes a positive integer, got "all"/);
  });
});

describe('repro run without --jobs', () => {
  it.skipIf(!mirror)('runs an untimed suite one run per core (the default jobs), with --jobs 1 in this process', () => {
    const args = ['run', 'gsm8k-reference-solutions', '--force', '--no-leaderboard'];
    const env = { REPRO_RESULTS: mkdtempSync(path.join(os.tmpdir(), 'repro-jobs-')), REPRO_JOBS: undefined };
    const byDefault = repro(args, env);
    expect(byDefault.code, byDefault.err).toBe(0);
    const wanted = Math.min(defaultJobs(), 4);
    if (wanted > 1) expect(byDefault.err).toContain(`[gsm8k-reference-solutions] 4 run(s), ${wanted} at a time in child processes`);
    else expect(byDefault.err).not.toContain('at a time in child processes');
    const serial = repro([...args, '--jobs', '1'], env);
    expect(serial.code, serial.err).toBe(0);
    expect(serial.err).not.toContain('at a time in child processes');
  }, 120_000);
});

describe('repro command line', () => {
  it('prints help for the tool and every command', () => {
    const main = repro(['--help']);
    expect(main.code).toBe(0);
    for (const c of ['ls', 'run', 'leaderboard', 'datasets', 'results', 'score-json']) {
      expect(main.out).toContain(`  ${c}`);
      const h = repro([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toMatch(/^Usage: repro /);
    }
  });

  it('exits 2 with a suggestion on unknown commands, suites, options and values', () => {
    const cmd = repro(['rnu']);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toMatch(/unknown command 'rnu'\. Did you mean 'run'\?/);
    const suite = repro(['run', 'engin']);
    expect(suite.code).toBe(2);
    expect(suite.err).toMatch(/unknown suite 'engin'\. Did you mean 'engine'\?/);
    expect(repro(['run', 'engine', '--profile', 'huge']).err).toMatch(/unknown profile 'huge'/);
    expect(repro(['run', 'engine', '--backend', 'wsam']).err).toMatch(/unknown backend 'wsam'\. Did you mean 'wasm'\?/);
    const opt = repro(['run', 'engine', '--frce']);
    expect(opt.code).toBe(2);
    expect(opt.err).toMatch(/Unknown option '--frce'/);
    expect(repro(['run', 'engine', '--seeds', '1,x']).err).toMatch(/--seeds takes comma-separated integers/);
    const ds = repro(['run', 'tabular-ssl', '--datasets', 'california-housing,adlt']);
    expect(ds.code).toBe(2);
    expect(ds.err).toMatch(/unknown dataset of suite tabular-ssl \(profile quick\) 'adlt'\. Did you mean 'adult'\?/);
    expect(repro(['run', '--all', '--datasets', 'adlt']).err).toMatch(/unknown dataset of any suite \(profile quick\) 'adlt'\. Did you mean 'adult'\?/);
    expect(repro(['run', 'engine', '--datasets', ',']).err).toMatch(/--datasets takes comma-separated dataset ids/);
    expect(repro(['ls', 'suits']).err).toMatch(/Did you mean 'suites'/);
  });

  it('lists suites, arm methods and datasets', () => {
    const r = repro(['ls']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Suites:\n  calibration-optdigits[\s\S]*\n  engine /);
    expect(r.out).toContain('engine.tfjs');
    expect(r.out).toMatch(/optdigits\s+Optical Recognition/);
  });

  it.runIf(mirror)('verifies datasets from the mirror, and fails naming the file when one is missing', () => {
    const ok = repro(['datasets', 'verify', 'optdigits', 'adult']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('optdigits: 2 file(s) verified');
    const empty = mkdtempSync(path.join(os.tmpdir(), 'repro-cli-'));
    const bad = repro(['datasets', 'verify', 'optdigits'], { REPRO_DATA_MIRROR: empty, REPRO_CACHE: empty });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/optdigits\.tra is missing/);
    expect(repro(['datasets', 'verify', 'optdigit']).err).toMatch(/Did you mean 'optdigits'/);
  });

  it('validates records and rebuilds the leaderboard in REPRO_RESULTS', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'repro-cli-'));
    expect(repro(['results', 'validate'], { REPRO_RESULTS: dir }).out).toContain('0 record(s), 0 problem(s)');
    const lb = repro(['leaderboard'], { REPRO_RESULTS: dir });
    expect(lb.code).toBe(0);
    expect(existsSync(path.join(dir, 'LEADERBOARD.md'))).toBe(true);
    mkdirSync(path.join(dir, 'records', 'engine'), { recursive: true });
    writeFileSync(path.join(dir, 'records', 'engine', 'x.json'), '{"schemaVersion": 2}');
    const bad = repro(['results', 'validate'], { REPRO_RESULTS: dir });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/x\.json is not valid:[\s\S]*\/schemaVersion must be equal to constant/);
  });
});
