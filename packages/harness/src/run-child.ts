/**
 * A child process of the runner's pool (run-children.ts): runs the jobs it is sent, one at a time,
 * exactly as a serial run would, and reports progress lines and each run's row.
 */
import { initBackend } from '@repro/core';
import type { ArmMethod } from './arms/types.js';
import type { ChildMessage, RunMessage } from './run-children.js';
import { runJob } from './run-job.js';

const send = (m: ChildMessage) => process.send!(m);
let registry: Record<string, ArmMethod> | null = null;

process.on('message', async (m: RunMessage) => {
  registry ??= (await import(m.registryModule) as { REGISTRY: Record<string, ArmMethod> }).REGISTRY;
  await initBackend({ prefer: m.backend });
  const method = registry[m.job.arm.method];
  if (!method) throw new Error(`${m.registryModule} has no method ${m.job.arm.method}`);
  send({ type: 'done', row: await runJob(m.job, method, (line) => send({ type: 'log', line })) });
});
// The parent disconnects when it has no more jobs.
process.on('disconnect', () => process.exit(0));
