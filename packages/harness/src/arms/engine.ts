/**
 * The engine suite's arms. `engine.tfjs` measures the workloads on the selected backend in fresh
 * processes; when a Python with torch is present it runs the PyTorch peer interleaved with them
 * (ours, peer, ours, peer, ...) and records the ratio ours/PyTorch per task from each pair.
 * `engine.pytorch` records the peer's own times.
 */
import { fileURLToPath } from 'node:url';
import { backendInfo, benchChildArgs, pairRatio, runInterleaved, summarizeTasks, type ChildCommand, type ChildRun } from '@repro/core';
import { recordTaskTimes } from './microbench.js';
import { ENGINE_TASKS } from '../engine/workloads.js';
import { peerCommand, torchPython } from '../engine/peer.js';
import type { ArmContext, ArmMethod, ArmResult } from './types.js';

// Resolved to the built file from src/ (tests) and dist/ alike: children run plain Node.
const benchScript = fileURLToPath(new URL('../../dist/engine/engine.bench.js', import.meta.url));

interface EngineConfig { processes: number; taskTimeMs: number; minIterations: number; threads: number }

function engineConfig(c: Record<string, unknown>): EngineConfig {
  const num = (k: string, d: number) => {
    const v = c[k] ?? d;
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`engine: config ${k} must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };
  return { processes: Math.max(3, num('processes', 3)), taskTimeMs: num('taskTimeMs', 1000), minIterations: num('minIterations', 5), threads: num('threads', 1) };
}

function ours(seed: number, c: EngineConfig): ChildCommand {
  return { label: 'tfjs', command: process.execPath, args: benchChildArgs(benchScript, ['--seed', String(seed), '--time', String(c.taskTimeMs), '--iterations', String(c.minIterations)]) };
}

function peerNote(runs: ChildRun[]): string {
  const meta = runs[0].meta ?? {};
  return `torch ${String(meta.torch)}, ${String(meta.threads)} thread(s), BLAS ${String(meta.blas)}`;
}

export const engineTfjs: ArmMethod = {
  name: 'engine.tfjs',
  summary: 'matmul 512/1024, ResNet basic-block and transformer-layer training steps on the selected backend; ratio to PyTorch CPU when torch is installed',
  async run(ctx: ArmContext): Promise<ArmResult> {
    const c = engineConfig(ctx.config);
    const withPeer = torchPython() !== null;
    const commands = [ours(ctx.seed, c), ...(withPeer ? [peerCommand(ctx.seed, c)] : [])];
    const runs = await runInterleaved(commands, c.processes, (label, i, n) => ctx.log(`${label} process ${i}/${n}`));
    const metrics: ArmResult['metrics'] = {}, timings: Record<string, number> = {};
    recordTaskTimes(runs.tfjs, metrics, timings);
    const notes = [`backend ${backendInfo().name} ${backendInfo().version}, ${backendInfo().threads} thread(s); ${c.processes} processes, median of per-process medians`];
    for (const task of ENGINE_TASKS) metrics[`${task}_vs_pytorch`] = withPeer ? pairRatio(runs.tfjs, task, runs.pytorch, task).median : null;
    if (withPeer) {
      notes.push(`PyTorch peer interleaved in the same run: ${peerNote(runs.pytorch)}`);
      for (const [task, s] of Object.entries(summarizeTasks(runs.pytorch))) timings[`pytorch_${task}_ms`] = s.medianMs;
    } else {
      notes.push('no Python with torch: ratios to PyTorch not measured');
    }
    return { metrics, timings, config: { ...c }, notes };
  },
};

export const enginePytorch: ArmMethod = {
  name: 'engine.pytorch',
  summary: 'the same workloads in PyTorch CPU (tools/peer-bench/engine.py), threads pinned alike',
  unavailable: () => (torchPython() ? null : 'no Python with torch (apt-get install python3-torch libopenblas0-pthread, or set REPRO_PYTHON)'),
  async run(ctx: ArmContext): Promise<ArmResult> {
    const c = engineConfig(ctx.config);
    const runs = await runInterleaved([peerCommand(ctx.seed, c)], c.processes, (label, i, n) => ctx.log(`${label} process ${i}/${n}`));
    const metrics: ArmResult['metrics'] = {}, timings: Record<string, number> = {};
    recordTaskTimes(runs.pytorch, metrics, timings);
    return { metrics, timings, config: { ...c }, notes: [peerNote(runs.pytorch)] };
  },
};
