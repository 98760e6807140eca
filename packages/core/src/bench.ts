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

/** Thread pins applied to every child, so a task's thread count is the same for each arm. */
export const PINNED_THREADS: Record<string, string> = { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: '1' };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Measures the definition's tasks in this process; returns median latency (ms) and sample counts per task. */
export async function measureOnce(def: BenchDefinition): Promise<Record<string, { medianMs: number; samples: number }>> {
  await def.setup?.();
  const bench = new Bench({ name: def.name, time: def.time ?? 1000, iterations: def.iterations ?? 5, throws: true, warmup: true, warmupIterations: 2 });
  for (const [name, fn] of Object.entries(def.tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, { medianMs: number; samples: number }> = {};
  for (const t of bench.tasks) {
    const r = t.result;
    if (!r || r.state !== 'completed') throw new Error(`bench ${def.name}: task ${t.name} did not complete (${r?.state ?? 'no result'})`);
    out[t.name] = { medianMs: r.latency.p50, samples: r.latency.samplesCount };
  }
  return out;
}

function runChild(script: string, args: string[], env: Record<string, string>): Promise<Record<string, { medianMs: number; samples: number }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, CHILD_FLAG, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) reject(new Error(`bench child ${script} exited with code ${code}${line ? '' : ' and printed no result'}`));
      else resolve(JSON.parse(line.slice(MARK.length)));
    });
  });
}

/** Runs `script` (a bench entry point) in `processes` fresh processes and summarises. */
export async function runBenchProcesses(script: string, def: Pick<BenchDefinition, 'name' | 'pairs'>,
  opts: { processes?: number; args?: string[]; onProcess?: (i: number, n: number) => void } = {}): Promise<BenchSummary> {
  const processes = Math.max(3, opts.processes ?? 3);
  const runs: Record<string, { medianMs: number; samples: number }>[] = [];
  for (let i = 0; i < processes; i++) {
    opts.onProcess?.(i + 1, processes);
    runs.push(await runChild(script, opts.args ?? [], PINNED_THREADS));
  }
  const tasks: Record<string, TaskSummary> = {};
  for (const name of Object.keys(runs[0])) {
    const per = runs.map((r) => r[name].medianMs);
    tasks[name] = { medianMs: median(per), minMs: Math.min(...per), maxMs: Math.max(...per), perProcessMs: per, samples: runs.reduce((s, r) => s + r[name].samples, 0) };
  }
  const ratios: BenchSummary['ratios'] = {};
  for (const [a, b] of def.pairs ?? []) {
    if (!tasks[a] || !tasks[b]) throw new Error(`bench ${def.name}: pair ${a}/${b} names a task that does not exist`);
    const per = runs.map((r) => r[a].medianMs / r[b].medianMs);
    ratios[`${a}/${b}`] = { median: median(per), min: Math.min(...per), max: Math.max(...per), perProcess: per };
  }
  return { name: def.name, processes, tasks, ratios, pinned: PINNED_THREADS };
}

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
