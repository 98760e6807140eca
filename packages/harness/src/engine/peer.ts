/**
 * Python peers (tools/peer-bench/): find a Python that has a module, build the PyTorch peer's command.
 * REPRO_PYTHON names an interpreter; otherwise python3 on PATH, then /usr/bin/python3 (Debian's
 * python3-torch and python3-jsonschema install there, which a pyenv python3 on PATH does not see).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, type ChildCommand } from '@repro/core';

const found = new Map<string, string | null>();

/** The first Python that can import `module` (REPRO_PYTHON, else python3, else /usr/bin/python3); null if none. */
export function pythonWith(module: string): string | null {
  if (found.has(module)) return found.get(module)!;
  const candidates = process.env.REPRO_PYTHON ? [process.env.REPRO_PYTHON] : ['python3', '/usr/bin/python3'];
  let hit: string | null = null;
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 60_000 });
      hit = py;
      break;
    } catch { /* next */ }
  }
  found.set(module, hit);
  return hit;
}

export const torchPython = (): string | null => pythonWith('torch');

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
