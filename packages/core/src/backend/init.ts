/**
 * Picks the TensorFlow.js backend once per process: tfjs-node-gpu, tfjs-node (optional peers that
 * users with libtensorflow install), then wasm with the replacement kernels, then cpu.
 * REPRO_BACKEND or `prefer` forces one; a forced backend that fails to load is an error, never a
 * silent fallback, so a result never claims a backend it did not run on.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradients, and its register_all_gradients module is ESM with extensionless
// imports that Node cannot load; the umbrella package's Node bundle registers them all.
import '@tensorflow/tfjs';
import os from 'node:os';
import { registerGradients } from './gradients.js';
import { registerWasmKernels, type WasmPatchReport } from './kernels/register.js';

export const BACKENDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** Which of BACKENDS is in use. */
  name: BackendChoice;
  /** tfjs's own name for it (tensorflow, wasm, cpu). */
  tfBackend: string;
  /** tfjs-core version; native backends add their binding's version. */
  version: string;
  threads: number;
  /** On wasm: the kernels replaced and those served by the copy-to-cpu fallback. */
  kernels?: WasmPatchReport;
}

let current: Promise<BackendInfo> | null = null;
let info: BackendInfo | null = null;

async function load(name: BackendChoice): Promise<BackendInfo> {
  // Same bits as tfjs's gradients on every backend, so registered whichever one loads.
  registerGradients();
  switch (name) {
    case 'node-gpu':
    case 'node': {
      const pkg = name === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      const mod = (await import(pkg)) as { version?: Record<string, string> };
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the 'tensorflow' backend did not initialise`);
      const threads = Number(process.env.TF_NUM_INTRAOP_THREADS) || os.availableParallelism();
      return { name, tfBackend: 'tensorflow', version: `${tf.version_core}+${mod.version?.['tfjs-node'] ?? 'unknown'}`, threads };
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      const kernels = registerWasmKernels();
      return { name, tfBackend: 'wasm', version: wasm.version_wasm, threads: wasm.getThreadsCount(), kernels };
    }
    case 'cpu':
      await tf.setBackend('cpu');
      return { name, tfBackend: 'cpu', version: tf.version_core, threads: 1 };
  }
}

function parseChoice(value: string, from: string): BackendChoice {
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`${from}=${JSON.stringify(value)} is not a backend; use one of ${BACKENDS.join(', ')}`);
}

/**
 * Initialises the backend (once; later calls return the same promise unless `prefer` differs).
 * Order: node-gpu, node, wasm, cpu; the first that loads wins.
 */
export function initBackend(opts: { prefer?: BackendChoice | string } = {}): Promise<BackendInfo> {
  const forced = opts.prefer ? parseChoice(opts.prefer, 'prefer')
    : process.env.REPRO_BACKEND ? parseChoice(process.env.REPRO_BACKEND, 'REPRO_BACKEND') : null;
  if (current && (!forced || info?.name === forced)) return current;
  current = (async () => {
    if (forced) {
      try {
        info = await load(forced);
      } catch (e) {
        throw new Error(`backend '${forced}' was asked for but could not be loaded: ${(e as Error).message}` +
          (forced.startsWith('node') ? ` (install it with: npm i @tensorflow/tfjs-${forced === 'node' ? 'node' : 'node-gpu'}@${tf.version_core})` : ''), { cause: e });
      }
      return info;
    }
    const tried: string[] = [];
    for (const name of BACKENDS) {
      try {
        info = await load(name);
        return info;
      } catch (e) {
        tried.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    throw new Error(`no TensorFlow.js backend could be loaded:\n  ${tried.join('\n  ')}`);
  })();
  current.catch(() => { current = null; });
  return current;
}

/** The backend in use, for result records. Throws if initBackend has not completed. */
export function backendInfo(): BackendInfo {
  if (!info) throw new Error('backendInfo() called before initBackend() resolved');
  return info;
}
