/**
 * Microbenchmarks: a tinybench task set (throws: true, so a failing task fails the run) measured
 * in several fresh processes, because one process's JIT and heap state is one sample, not a
 * measurement. The parent reports, per task, the median over processes of each process's median
 * latency and the spread, plus the ratio between named pairs computed within each process
 * (side by side, so machine drift cancels) and then reduced to its median.
 *
 * A bench script calls benchMain(definition). Run plainly it is the parent; with --bench-child
 * it measures once and prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { Bench } from 'tinybench';

export interface BenchDefinition {
  name: string;
  /** Runs once per process before any task (load data, init backend, build inputs). */
  setup?: () => Promise<void> | void;
  tasks: Record<string, () => unknown>;
  /** [numerator, denominator]: ratio = latency(a) / latency(b). */
  pairs?: [string, string][];
  /** tinybench time budget per task in ms (default 1000) and minimum iterations (default 5). */
  time?: number;
  iterations?: number;
}

export interface TaskSummary { medianMs: number; minMs: number; maxMs: number; perProcessMs: number[]; samples: number }
export interface BenchSummary {
  name: string;
  processes: number;
  tasks: Record<string, TaskSummary>;
  ratios: Record<string, { median: number; min: number; max: number; perProcess: number[] }>;
  /** Environment variables pinned for the child processes. */
  pinned: Record<string, string>;
}

const CHILD_FLAG = '--bench-child';
const MARK = 'REPRO_BENCH_RESULT ';
/** An optional second line with facts about the child (a peer's library versions). */
const META_MARK = 'REPRO_BENCH_META ';

/** Thread pins applied to every child, so a task's thread count is the same for each arm. */
export const PINNED_THREADS: Record<string, string> = {
  TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1',
};

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Measures the definition's tasks in this process; returns median latency (ms) and sample counts
 * per task. tinybench runs tasks one after another, so the first task would pay for a colder
 * process (JIT, heap and wasm memory growth): every task is warmed up before any is measured, and
 * the set is measured twice, in order and reversed, each task's figure being the mean of its two
 * medians.
 */
export async function measureOnce(def: BenchDefinition): Promise<Record<string, { medianMs: number; samples: number }>> {
  await def.setup?.();
  const names = Object.keys(def.tasks);
  for (let i = 0; i < 2; i++) for (const n of names) await def.tasks[n]();
  const half = Math.max(1, Math.round((def.time ?? 1000) / 2));
  const rounds: Record<string, { medianMs: number; samples: number }>[] = [];
  for (const order of [names, [...names].reverse()]) {
    const bench = new Bench({ name: def.name, time: half, iterations: def.iterations ?? 5, throws: true, warmup: true, warmupIterations: 1 });
    for (const name of order) bench.add(name, def.tasks[name]);
    await bench.run();
    const out: Record<string, { medianMs: number; samples: number }> = {};
    for (const t of bench.tasks) {
      const r = t.result;
      if (!r || r.state !== 'completed') throw new Error(`bench ${def.name}: task ${t.name} did not complete (${r?.state ?? 'no result'})`);
      out[t.name] = { medianMs: r.latency.p50, samples: r.latency.samplesCount };
    }
    rounds.push(out);
  }
  return Object.fromEntries(names.map((n) => [n, { medianMs: (rounds[0][n].medianMs + rounds[1][n].medianMs) / 2, samples: rounds[0][n].samples + rounds[1][n].samples }]));
}

type ChildResult = Record<string, { medianMs: number; samples: number }>;

/** A process that prints one `REPRO_BENCH_RESULT {json}` line (a bench child, or a peer in another language). */
export interface ChildCommand { label: string; command: string; args: string[] }

export interface ChildRun { result: ChildResult; meta: Record<string, unknown> | null }

function runChild(c: ChildCommand, env: Record<string, string>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(c.command, c.args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', (e) => reject(new Error(`bench ${c.label}: cannot start ${c.command}: ${e.message}`)));
    child.on('close', (code) => {
      const lines = out.split('\n');
      const line = lines.find((l) => l.startsWith(MARK));
      const meta = lines.find((l) => l.startsWith(META_MARK));
      if (code !== 0 || !line) reject(new Error(`bench ${c.label}: ${c.command} exited with code ${code}${line ? '' : ' and printed no result line'}`));
      else resolve({ result: JSON.parse(line.slice(MARK.length)) as ChildResult, meta: meta ? JSON.parse(meta.slice(META_MARK.length)) as Record<string, unknown> : null });
    });
  });
}

/** Runs each command `processes` times, interleaved (A B A B ...), so drift hits every command alike. */
export async function runInterleaved(commands: ChildCommand[], processes: number,
  onProcess: (label: string, i: number, n: number) => void = () => {}): Promise<Record<string, ChildRun[]>> {
  const runs: Record<string, ChildRun[]> = Object.fromEntries(commands.map((c) => [c.label, []]));
  for (let i = 0; i < processes; i++) {
    for (const c of commands) {
      onProcess(c.label, i + 1, processes);
      runs[c.label].push(await runChild(c, PINNED_THREADS));
    }
  }
  return runs;
}

export function summarizeTasks(runs: ChildRun[]): Record<string, TaskSummary> {
  const tasks: Record<string, TaskSummary> = {};
  for (const name of Object.keys(runs[0].result)) {
    const per = runs.map((r) => {
      if (!r.result[name]) throw new Error(`bench: task ${name} missing from a process's result`);
      return r.result[name].medianMs;
    });
    tasks[name] = { medianMs: median(per), minMs: Math.min(...per), maxMs: Math.max(...per), perProcessMs: per, samples: runs.reduce((s, r) => s + r.result[name].samples, 0) };
  }
  return tasks;
}

/** Ratio a/b of a task's latency, computed within each process pair and reduced to its median. */
export function pairRatio(a: ChildRun[], taskA: string, b: ChildRun[], taskB: string): { median: number; min: number; max: number; perProcess: number[] } {
  const per = a.map((r, i) => r.result[taskA].medianMs / b[i].result[taskB].medianMs);
  return { median: median(per), min: Math.min(...per), max: Math.max(...per), perProcess: per };
}

/** Runs `script` (a bench entry point) in `processes` fresh processes and summarises. */
export async function runBenchProcesses(script: string, def: Pick<BenchDefinition, 'name' | 'pairs'>,
  opts: { processes?: number; args?: string[]; onProcess?: (i: number, n: number) => void } = {}): Promise<BenchSummary> {
  const processes = Math.max(3, opts.processes ?? 3);
  const runs = (await runInterleaved([{ label: def.name, command: process.execPath, args: benchChildArgs(script, opts.args) }], processes,
    (_l, i, n) => opts.onProcess?.(i, n)))[def.name];
  const tasks = summarizeTasks(runs);
  const ratios: BenchSummary['ratios'] = {};
  for (const [a, b] of def.pairs ?? []) {
    if (!tasks[a] || !tasks[b]) throw new Error(`bench ${def.name}: pair ${a}/${b} names a task that does not exist`);
    ratios[`${a}/${b}`] = pairRatio(runs, a, runs, b);
  }
  return { name: def.name, processes, tasks, ratios, pinned: PINNED_THREADS };
}

/** The arguments that make a bench script run as a child. */
export const benchChildArgs = (script: string, args: string[] = []): string[] => [script, CHILD_FLAG, ...args];

/** Whether this process is a bench child. */
export const isBenchChild = (): boolean => process.argv.includes(CHILD_FLAG);

/**
 * Entry point of a bench script. As a child: measure and print one result line. As the parent:
 * run the children and return the summary (printing a table to stderr).
 */
export async function benchMain(script: string, def: BenchDefinition, opts: { processes?: number } = {}): Promise<BenchSummary | null> {
  if (isBenchChild()) {
    process.stdout.write(MARK + JSON.stringify(await measureOnce(def)) + '\n');
    return null;
  }
  const summary = await runBenchProcesses(script, def, { ...opts, onProcess: (i, n) => process.stderr.write(`${def.name}: process ${i}/${n}\n`) });
  for (const [name, t] of Object.entries(summary.tasks)) {
    process.stderr.write(`  ${name.padEnd(36)} median ${t.medianMs.toFixed(3)} ms  [${t.minMs.toFixed(3)}, ${t.maxMs.toFixed(3)}]\n`);
  }
  for (const [name, r] of Object.entries(summary.ratios)) {
    process.stderr.write(`  ratio ${name.padEnd(30)} ${r.median.toFixed(3)}x  [${r.min.toFixed(3)}, ${r.max.toFixed(3)}]\n`);
  }
  return summary;
}
