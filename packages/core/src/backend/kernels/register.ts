/**
 * Registers the replacement kernels on the wasm backend. Idempotent. Returns the names of the
 * kernels replaced and of those served by the copy-to-cpu fallback, for the result records.
 */
import { getKernel, getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { captureStock, hasStock, runStock, type WasmBackend } from '../heap.js';
import { batchMatMulConfig } from './batch-matmul.js';
import { conv2dBackpropConfigs } from './conv2d-backprop.js';
import { depthwiseBackpropConfigs } from './depthwise-backprop.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { tileConfig } from './tile.js';
import { identityConfigs } from './identity.js';
import { copyConfigs } from './copy.js';
import { sumConfig } from './sum.js';
import { broadcastBinaryConfigs } from './broadcast-binary.js';
import { transposeConfig } from './transpose.js';
import { cpuFallback, UNPORTABLE } from './cpu-fallback.js';

export interface WasmPatchReport { replaced: string[]; cpuFallback: string[] }

let report: WasmPatchReport | null = null;

function put(config: KernelConfig): void {
  if (getKernel(config.kernelName, 'wasm')) unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}

/** The stock wasm kernel where there is one, else the copy-to-cpu fallback. */
function fallbackFor(name: string): KernelFunc {
  if (hasStock(name)) return ((args: Parameters<KernelFunc>[0]) => runStock(name, args.backend as WasmBackend, args.inputs as never, args.attrs)) as KernelFunc;
  return cpuFallback(name);
}

export function registerWasmKernels(): WasmPatchReport {
  if (report) return report;
  // Stock kernels the replacements call into, captured before anything is overridden.
  for (const name of ['BatchMatMul', 'Transpose', 'Conv2D', 'Conv2DBackpropInput', 'Tile', 'Slice', 'Identity', 'Cast', 'GatherV2', 'SplitV', 'Concat', 'Sum', 'Add', 'Sub', 'Multiply', 'RealDiv']) captureStock(name);
  const replacements = [batchMatMulConfig, ...conv2dBackpropConfigs(fallbackFor), ...depthwiseBackpropConfigs, unsortedSegmentSumConfig, tileConfig, ...identityConfigs, ...copyConfigs, sumConfig, ...broadcastBinaryConfigs, transposeConfig];
  for (const c of replacements) put(c);

  const have = new Set(getKernelsForBackend('wasm').map((k) => k.kernelName));
  const viaCpu: string[] = [];
  for (const k of getKernelsForBackend('cpu')) {
    if (have.has(k.kernelName) || UNPORTABLE.has(k.kernelName)) continue;
    registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: cpuFallback(k.kernelName) });
    viaCpu.push(k.kernelName);
  }
  report = { replaced: replacements.map((c) => c.kernelName).sort(), cpuFallback: viaCpu.sort() };
  return report;
}
