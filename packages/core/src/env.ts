/** The environment a result was produced in, recorded with every result. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { repoRoot } from './paths.js';

export interface EnvInfo {
  node: string;
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  backend: { name: string; version: string; threads: number };
  threads: Record<string, number | string | null>;
  packages: Record<string, string>;
  git: { sha: string | null; dirty: boolean | null };
  loadavg: number[];
  /** How many runs the suite runner had going at once (`repro run --jobs`); set by the runner. */
  concurrentRuns?: number;
}

const TRACKED = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node', 'ajv'];

function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const root = repoRoot();
  const req = createRequire(path.join(root, 'package.json'));
  for (const name of TRACKED) {
    try {
      const p = req.resolve(`${name}/package.json`);
      out[name] = (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
    } catch { /* not installed */ }
  }
  const pkgs = path.join(root, 'packages');
  if (existsSync(pkgs)) {
    for (const dir of ['core', 'harness', 'elr', 'ps-kd', 'tjepa', 'masksparsity', 'pat', 'heba', 'sae-discovery', 'struc-bench', 'rl-struct']) {
      const f = path.join(pkgs, dir, 'package.json');
      if (existsSync(f)) { const j = JSON.parse(readFileSync(f, 'utf8')) as { name: string; version: string }; out[j.name] = j.version; }
    }
  }
  return out;
}

function git(): { sha: string | null; dirty: boolean | null } {
  try {
    const cwd = repoRoot();
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    // Result files themselves do not make the code dirty.
    const status = execFileSync('git', ['status', '--porcelain', '--', '.', ':!results'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return { sha, dirty: status.trim().length > 0 };
  } catch {
    return { sha: null, dirty: null };
  }
}

let cached: Omit<EnvInfo, 'loadavg' | 'backend'> | null = null;

/** Captures the environment; `backend` comes from backendInfo() when a backend is initialised. */
export function captureEnv(backend?: { name: string; version: string; threads: number }): EnvInfo {
  cached ??= {
    node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    threads: {
      TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? null,
      OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? null,
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? null,
    },
    packages: packageVersions(),
    git: git(),
  };
  return {
    ...cached,
    backend: backend ?? { name: tf.getBackend() ?? 'none', version: tf.version_core, threads: 1 },
    loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
