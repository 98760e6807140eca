/**
 * The PyTorch peer (tools/peer-bench/engine.py): finds a Python with torch, builds its command.
 * REPRO_PYTHON names an interpreter; otherwise python3 on PATH, then /usr/bin/python3 (Debian's
 * python3-torch installs there, which a pyenv python3 on PATH does not see).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, type ChildCommand } from '@repro/core';

let found: string | null | undefined;

export function torchPython(): string | null {
  if (found !== undefined) return found;
  const candidates = process.env.REPRO_PYTHON ? [process.env.REPRO_PYTHON] : ['python3', '/usr/bin/python3'];
  found = null;
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      found = py;
      break;
    } catch { /* next */ }
  }
  return found;
}

export function peerCommand(seed: number, config: { taskTimeMs: number; minIterations: number; threads: number }): ChildCommand {
  const py = torchPython();
  if (!py) throw new Error('no Python with torch found (install Debian python3-torch and libopenblas0-pthread, or set REPRO_PYTHON)');
  return {
    label: 'pytorch',
    command: py,
    args: [path.join(repoRoot(), 'tools', 'peer-bench', 'engine.py'), '--seed', String(seed), '--threads', String(config.threads),
      '--time', String(config.taskTimeMs / 1000), '--iterations', String(config.minIterations)],
  };
}
