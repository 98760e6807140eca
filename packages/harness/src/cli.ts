#!/usr/bin/env node
/**
 * The `repro` command line. Every command takes --help. Exit codes: 0 success, 1 a run or check
 * failed, 2 bad usage (unknown command, option or name).
 */
import { parseArgs } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BACKENDS, writeJsonl, datasetStatus, fetchDataset, fillLeaderboardMarkers, listManifests, repoRoot, resultsDir, validateAll, writeAtomic, writeLeaderboard,
  type Leaderboard, type Profile,
} from '@repro/core';
import { REGISTRY } from './registry.js';
import { listSuites, suiteMeta, type SuiteSpec } from './spec.js';
import { defaultJobs, planAll, runSuite, summaryTable, type RunRow } from './runner.js';
import { UnknownNameError } from './didyoumean.js';
import { EXTRACT_MODES, type ExtractMode } from './structured/extract.js';
import { formatSummary, scoreFile } from './structured/score-file.js';

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `repro: run the papers' benchmark suites and build the leaderboards

Usage: repro <command> [options]

Commands:
  ls [suites|arms|datasets]   list what can be run (all three by default)
  run <suite>                 run a suite's arms over its datasets and seeds, one record each
  leaderboard                 rebuild results/LEADERBOARD.md, leaderboard.csv and leaderboard.html
  datasets ls|fetch|verify    list, download or check dataset files
  results validate            check every record under results/records against the schema
  score-json                  score a JSONL of model outputs: validity, schema compliance, accuracy

Run 'repro <command> --help' for a command's options.
Environment: REPRO_BACKEND (${BACKENDS.join(', ')}), REPRO_DATA_MIRROR (a local dataset mirror),
REPRO_CACHE (download cache), REPRO_RESULTS (results folder), REPRO_QUIET=1 (no progress),
REPRO_JOBS (the default of repro run --jobs).`,
  ls: `Usage: repro ls [suites|arms|datasets]

Lists benchmark suites (benchmarks/*.json), arm methods in the registry, and dataset manifests.`,
  run: `Usage: repro run <suite> [options]
       repro run --all [options]

Runs every arm of a suite (or of every suite, with --all) for every dataset and seed, writing one
record per run under results/records/. Existing records are kept and skipped unless --force.
Exits 1 if any run failed.

Options:
  --profile quick|full   quick (default) runs in minutes on 2 CPU cores; full is the paper's scale
  --seeds 1,2,3          seeds to run (default: the suite's)
  --arms a,b             arms to run (default: all)
  --datasets a,b         datasets to run (default: all of the profile's); with --all, only
                         the suites that have one of them run
  --backend NAME         ${BACKENDS.join(', ')} (default: the first that loads; or REPRO_BACKEND)
  --force                rerun and overwrite existing records
  --jobs N               run N runs at once, each in a child process. The wasm
                         backend uses one core per run, so N up to the core count divides a
                         training suite's time. Suites that measure speed (timed in their spec)
                         still run one at a time; each record notes env.concurrentRuns.
                         Default: REPRO_JOBS, else one per core while memory allows
                         2 GiB each (here: ${defaultJobs()})
  --all                  run every suite in benchmarks/
  --no-leaderboard       do not rebuild the leaderboard afterwards`,
  leaderboard: `Usage: repro leaderboard

Rebuilds results/LEADERBOARD.md, results/leaderboard.csv and results/leaderboard.html from every
record of each suite's current version.`,
  datasets: `Usage: repro datasets ls|fetch|verify [id ...]

  ls       each dataset, its license and whether its files are present and verified
  fetch    download missing files into the cache (REPRO_CACHE, default ~/.cache/repro), checking hashes
  verify   check every file's hash; exits 1 on any problem
With REPRO_DATA_MIRROR set, files are read from that folder (laid out <id>/<file>).`,
  'score-json': `Usage: repro score-json --outputs F.jsonl [options]

Scores model outputs with no suite: extract the JSON, parse it strictly, check it against a schema
(Ajv; the draft from $schema, 2020-12 by default) and compare it with a gold value. Prints rates
with seeded 95% bootstrap intervals.

Each line of F.jsonl is {"id": ..., "output": "..."} (or text / completion, or an OpenAI response
under "response"); "finish_reason": "length" marks a truncated output. Malformed lines are reported
with their line number and skipped.

Options:
  --outputs F.jsonl        the model outputs (required)
  --schema S.json          one JSON Schema for every sample
  --schemas-field          each output line carries its own "schema"
  --gold G.jsonl           lines {"id", "gold"} (or "ideal" / "expected"); or a "gold" field per output line
  --extract MODE           ${EXTRACT_MODES.join(', ')} (default raw)
  --format table|json|csv  summary format (default table)
  --samples OUT.jsonl      write one scored line per sample
  --seed N                 bootstrap seed (default 0)
  --timeout-ms N           per-item validation limit (default 2000)
  --workers N              validation worker threads`,
  results: `Usage: repro results validate

Validates every record under results/records against the record schema and its keyed path.`,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function pickSuite(name: string | undefined, suites: SuiteSpec[]): SuiteSpec {
  if (!name) throw new UsageError('repro run needs a suite name; see repro ls suites');
  const s = suites.find((x) => x.id === name);
  if (!s) throw new UnknownNameError('suite', name, suites.map((x) => x.id));
  return s;
}

function parseSeeds(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const seeds = v.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) throw new UsageError(`--seeds takes comma-separated integers, got ${JSON.stringify(v)}`);
  return seeds;
}

/** Package READMEs that carry leaderboard markers get their suites' current tables. */
function updateReadmes(lb: Leaderboard): string[] {
  const dir = path.join(repoRoot(), 'packages');
  const changed: string[] = [];
  for (const pkg of readdirSync(dir)) {
    const file = path.join(dir, pkg, 'README.md');
    if (!existsSync(file)) continue;
    const before = readFileSync(file, 'utf8');
    const after = fillLeaderboardMarkers(before, lb);
    if (after !== before) { writeAtomic(file, after); changed.push(path.relative(process.cwd(), file)); }
  }
  return changed;
}

function rebuildLeaderboard(suites: SuiteSpec[]): void {
  const lb = writeLeaderboard(resultsDir(), suites.map(suiteMeta));
  // Only the repository's own results feed its READMEs.
  if (!process.env.REPRO_RESULTS) for (const f of updateReadmes(lb)) process.stdout.write(`updated ${f}\n`);
  process.stdout.write(`leaderboard: ${lb.rows.length} rows from ${new Set(lb.rows.flatMap((r) => r.records)).size} records -> ${lb.files.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
  for (const s of lb.skipped) process.stdout.write(`  not in the leaderboard: ${s}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { process.stdout.write(HELP.main + '\n'); return 0; }
  if (cmd === '--version') { process.stdout.write(version() + '\n'); return 0; }
  if (!HELP[cmd] || cmd === 'main') throw new UnknownNameError('command', cmd, Object.keys(HELP).filter((k) => k !== 'main'));
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (wantsHelp) { process.stdout.write(HELP[cmd] + '\n'); return 0; }

  switch (cmd) {
    case 'ls': {
      const what = rest[0] ?? 'all';
      const kinds = ['suites', 'arms', 'datasets'];
      if (what !== 'all' && !kinds.includes(what)) throw new UnknownNameError('list', what, kinds);
      if (what === 'all' || what === 'suites') {
        process.stdout.write('Suites:\n');
        for (const s of listSuites()) process.stdout.write(`  ${s.id.padEnd(28)} v${s.version}  ${s.title}\n    arms: ${s.arms.map((a) => a.id).join(', ')}; datasets: ${s.datasets.join(', ')}; seeds: ${s.seeds.join(', ')}\n`);
      }
      if (what === 'all' || what === 'arms') {
        process.stdout.write('Arm methods:\n');
        for (const m of Object.values(REGISTRY)) process.stdout.write(`  ${m.name.padEnd(28)} ${m.summary}\n`);
      }
      if (what === 'all' || what === 'datasets') {
        process.stdout.write('Datasets:\n');
        for (const m of listManifests()) process.stdout.write(`  ${m.id.padEnd(28)} ${m.title} (${m.license}); files: ${m.files.map((f) => f.path).join(', ')}\n`);
      }
      return 0;
    }
    case 'run': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: {
        profile: { type: 'string', default: 'quick' }, seeds: { type: 'string' }, arms: { type: 'string' }, datasets: { type: 'string' }, backend: { type: 'string' },
        force: { type: 'boolean', default: false }, 'no-leaderboard': { type: 'boolean', default: false }, all: { type: 'boolean', default: false },
        jobs: { type: 'string' },
      } });
      if (positionals.length > 1 || (values.all && positionals.length)) throw new UsageError(`repro run takes one suite or --all, got ${positionals.join(' ')}`);
      if (values.profile !== 'quick' && values.profile !== 'full') throw new UnknownNameError('profile', values.profile!, ['quick', 'full']);
      const jobsText = values.jobs ?? process.env.REPRO_JOBS ?? String(defaultJobs());
      const jobs = Number(jobsText);
      if (!/^\d+$/.test(jobsText) || jobs < 1) throw new UsageError(`${values.jobs === undefined ? 'REPRO_JOBS' : '--jobs'} takes a positive integer, got ${JSON.stringify(jobsText)}`);
      if (values.backend && !(BACKENDS as readonly string[]).includes(values.backend)) throw new UnknownNameError('backend', values.backend, [...BACKENDS]);
      const suites = listSuites();
      const profile = values.profile as Profile;
      const datasets = values.datasets?.split(',').map((s) => s.trim()).filter(Boolean);
      if (datasets && !datasets.length) throw new UsageError(`--datasets takes comma-separated dataset ids, got ${JSON.stringify(values.datasets)}`);
      const chosen = values.all ? planAll(suites, profile, datasets) : [{ spec: pickSuite(positionals[0], suites), datasets }];
      const rows: RunRow[] = [];
      for (const { spec, datasets: some } of chosen) {
        rows.push(...(await runSuite(spec, REGISTRY, {
          profile, seeds: parseSeeds(values.seeds), arms: values.arms?.split(',').map((s) => s.trim()), datasets: some,
          force: values.force, backend: values.backend, jobs,
        })).map((r) => ({ ...r, arm: chosen.length > 1 ? `${spec.id}/${r.arm}` : r.arm })));
      }
      process.stdout.write(`\n${summaryTable(rows)}\n`);
      if (!values['no-leaderboard']) rebuildLeaderboard(suites);
      return rows.some((r) => r.status === 'failed') ? 1 : 0;
    }
    case 'leaderboard': {
      if (rest.length) throw new UsageError(`repro leaderboard takes no arguments, got ${rest.join(' ')}`);
      rebuildLeaderboard(listSuites());
      return 0;
    }
    case 'datasets': {
      const [sub, ...ids] = rest;
      const subs = ['ls', 'fetch', 'verify'];
      if (!sub) throw new UsageError('repro datasets needs ls, fetch or verify');
      if (!subs.includes(sub)) throw new UnknownNameError('datasets command', sub, subs);
      const all = listManifests();
      const chosen = ids.length ? ids.map((id) => all.find((m) => m.id === id) ?? (() => { throw new UnknownNameError('dataset', id, all.map((m) => m.id)); })()) : all;
      let bad = 0;
      for (const m of chosen) {
        if (sub === 'fetch') {
          try {
            const files = await fetchDataset(m, (f, done, total) => process.stderr.write(`\r${m.id}/${f}: ${(done / 2 ** 20).toFixed(1)} MiB${total ? ` of ${(total / 2 ** 20).toFixed(1)} MiB` : ''}\x1b[K`));
            process.stderr.write('\n');
            process.stdout.write(`${m.id}: ${files.length} file(s) ready\n`);
          } catch (e) { bad++; process.stdout.write(`${m.id}: ${(e as Error).message}\n`); }
          continue;
        }
        const st = await datasetStatus(m);
        if (!st.ok) bad++;
        if (sub === 'ls') process.stdout.write(`${m.id.padEnd(22)} ${st.ok ? 'ready  ' : 'missing'}  ${m.license}\n`);
        else process.stdout.write(st.ok ? `${m.id}: ${m.files.length} file(s) verified\n` : `${m.id}:\n  ${st.problems.join('\n  ')}\n`);
      }
      return sub !== 'ls' && bad ? 1 : 0;
    }
    case 'score-json': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: {
        outputs: { type: 'string' }, schema: { type: 'string' }, 'schemas-field': { type: 'boolean', default: false }, gold: { type: 'string' },
        extract: { type: 'string', default: 'raw' }, format: { type: 'string', default: 'table' }, samples: { type: 'string' },
        seed: { type: 'string', default: '0' }, 'timeout-ms': { type: 'string' }, workers: { type: 'string' },
      } });
      if (positionals.length) throw new UsageError(`repro score-json takes options only, got ${positionals.join(' ')}`);
      if (!values.outputs) throw new UsageError('repro score-json needs --outputs F.jsonl');
      if (!(EXTRACT_MODES as readonly string[]).includes(values.extract!)) throw new UnknownNameError('extract mode', values.extract!, [...EXTRACT_MODES]);
      const formats = ['table', 'json', 'csv'];
      if (!formats.includes(values.format!)) throw new UnknownNameError('format', values.format!, formats);
      const int = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a non-negative integer, got ${JSON.stringify(v)}`);
        return Number(v);
      };
      for (const [flag, f] of [['--outputs', values.outputs], ['--schema', values.schema], ['--gold', values.gold]] as const) {
        if (f && !existsSync(f)) throw new UsageError(`${flag}: no such file ${f}`);
      }
      const res = await scoreFile({
        outputs: values.outputs, schema: values.schema, schemasField: values['schemas-field'], gold: values.gold, extract: values.extract as ExtractMode,
        seed: int('seed', values.seed), timeoutMs: int('timeout-ms', values['timeout-ms']), workers: int('workers', values.workers),
      });
      for (const p of res.problems) process.stderr.write(`warning: ${p}\n`);
      if (values.samples) writeJsonl(values.samples, res.scores);
      process.stdout.write(formatSummary(res.summary, values.format as 'table' | 'json' | 'csv') + '\n');
      return 0;
    }
    case 'results': {
      if (rest[0] !== 'validate' || rest.length > 1) throw new UsageError('usage: repro results validate');
      const { files, problems } = validateAll();
      for (const p of problems) process.stdout.write(`${p}\n`);
      process.stdout.write(`${files} record(s), ${problems.length} problem(s)\n`);
      return problems.length ? 1 : 0;
    }
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
  const usage = e instanceof UsageError || e instanceof UnknownNameError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`repro: ${e.message}\n`);
  if (usage) process.stderr.write(`Run 'repro --help' for usage.\n`);
  process.exitCode = usage ? 2 : 1;
});
