/**
 * The runner's pool of child processes for `jobs` > 1. Each child takes one job at a time, runs it
 * with the same code as a serial run (run-job.ts) and writes its own record; the parent forwards
 * its progress lines. A child that dies mid-run (out of memory, a native abort) costs that run
 * only: the parent writes it a failed record naming the exit, and starts a fresh child for the
 * next job.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { baseRecord, failedRecord, finish, jobEnv, type RunJob, type RunRow } from './run-job.js';

/** A compiled module beside this one (tests run the TypeScript sources; children need the build). */
function compiled(name: string): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/[/\\]src[/\\]run-children\.ts$/, `/dist/${name}.js`) : here.replace(/run-children\.js$/, `${name}.js`);
}

/** The registry the CLI runs with, as a module a child can import. */
export const DEFAULT_REGISTRY = pathToFileURL(compiled('registry')).href;

/** Parent to child. */
export interface RunMessage { type: 'run'; job: RunJob; registryModule: string; backend: string }
/** Child to parent. */
export type ChildMessage = { type: 'log'; line: string } | { type: 'done'; row: RunRow };

export interface ChildPoolOptions {
  registryModule: string;
  /** The backend the parent loaded, so every child runs on the same one. */
  backend: string;
  log: (line: string) => void;
}

function startChild(): ChildProcess {
  // stdout and stderr pass through: a child's own crash report reaches the user as it is.
  return fork(compiled('run-child'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
}

function runIn(child: ChildProcess, job: RunJob, opts: ChildPoolOptions): Promise<RunRow> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type === 'log') opts.log(m.line);
      else { cleanup(); resolve(m.row); }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`its child process exited before finishing (${signal ? `signal ${signal}` : `code ${code}`})`));
    };
    const cleanup = () => { child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ type: 'run', job, registryModule: opts.registryModule, backend: opts.backend } satisfies RunMessage);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { child.once('exit', () => resolve()); child.disconnect(); });
}

/** Runs `jobs` on `n` child processes at once; the rows come back in the jobs' order. */
export async function runInChildren(jobs: RunJob[], n: number, opts: ChildPoolOptions): Promise<RunRow[]> {
  const rows: RunRow[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    let child: ChildProcess | null = null;
    while (next < jobs.length) {
      const i = next++;
      const t0 = performance.now();
      const base = baseRecord(jobs[i]);
      const env = jobEnv(jobs[i]);
      child ??= startChild();
      try {
        rows[i] = await runIn(child, jobs[i], opts);
      } catch (e) {
        child = null;
        rows[i] = finish(jobs[i], failedRecord(jobs[i], `Error: ${(e as Error).message}`, (performance.now() - t0) / 1000, base, env), opts.log);
      }
    }
    if (child) await stop(child);
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, lane));
  return rows;
}
