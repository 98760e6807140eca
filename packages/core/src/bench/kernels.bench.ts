/**
 * Microbenchmark of core's replacement wasm kernels against what the stock backend does without
 * them: the stock wasm kernel where one exists, else the copy-to-cpu fallback (the only other way
 * to run the op on wasm). Both sides run in the same process, alternating, on the same inputs.
 *
 * `node dist/bench/kernels.bench.js` measures in three fresh processes and prints a table; the
 * wasm-kernels suite records it.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, type TensorInfo, type NamedAttrMap } from '@tensorflow/tfjs-core';
import { benchMain, type BenchDefinition } from '../bench.js';
import { initBackend } from '../backend/init.js';
import { hasStock, runStock, type WasmBackend } from '../backend/heap.js';
import { cpuFallback } from '../backend/kernels/cpu-fallback.js';

/** `list`: the kernel takes its inputs as an array (Concat), in the order `inputs` gives them. */
interface Case { kernel: string; inputs: () => Record<string, tf.Tensor>; attrs: object; list?: boolean }

const CASES: Record<string, Case> = {
  // Cases whose only alternative is the copy-to-cpu fallback are small: the cpu backend needs 41 s
  // for the batch-64 filter gradient and 61 s for a 4096-row, 1000-segment embedding gradient.
  conv2d_backprop_filter_b2: { kernel: 'Conv2DBackpropFilter', attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 16] },
    inputs: () => ({ x: tf.randomNormal([2, 32, 32, 16], 0, 1, 'float32', 1), dy: tf.randomNormal([2, 32, 32, 16], 0, 1, 'float32', 2) }) },
  conv2d_backprop_input_b64: { kernel: 'Conv2DBackpropInput', attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 32, 32, 16] },
    inputs: () => ({ dy: tf.randomNormal([64, 32, 32, 16], 0, 1, 'float32', 3), filter: tf.randomNormal([3, 3, 16, 16], 0, 1, 'float32', 4) }) },
  depthwise_backprop_filter_b8: { kernel: 'DepthwiseConv2dNativeBackpropFilter', attrs: { strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 16, 1] },
    inputs: () => ({ x: tf.randomNormal([8, 32, 32, 16], 0, 1, 'float32', 5), dy: tf.randomNormal([8, 32, 32, 16], 0, 1, 'float32', 6) }) },
  matmul_512_transposed_b: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: true },
    inputs: () => ({ a: tf.randomNormal([512, 512], 0, 1, 'float32', 7), b: tf.randomNormal([512, 512], 0, 1, 'float32', 8) }) },
  matmul_batched_128x64x32x64: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([128, 64, 32], 0, 1, 'float32', 9), b: tf.randomNormal([128, 32, 64], 0, 1, 'float32', 10) }) },
  // Either side of SMALL_PRODUCT: T-JEPA's attention-score shape (the SIMD loop, same bits as the
  // stock loop) and the smallest cube the per-element path takes.
  matmul_batched_1024x15x8x15: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([1024, 15, 8], 0, 1, 'float32', 16), b: tf.randomNormal([1024, 8, 15], 0, 1, 'float32', 17) }) },
  // T-JEPA's full-profile predictor (heads of 4): attention weights times values.
  matmul_batched_2048x10x10x4: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([2048, 10, 10], 0, 1, 'float32', 40), b: tf.randomNormal([2048, 10, 4], 0, 1, 'float32', 41) }) },
  matmul_batched_128x32x32x32: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([128, 32, 32], 0, 1, 'float32', 18), b: tf.randomNormal([128, 32, 32], 0, 1, 'float32', 19) }) },
  matmul_broadcast_32x64x128x512: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([32, 64, 128], 0, 1, 'float32', 11), b: tf.randomNormal([1, 128, 512], 0, 1, 'float32', 12) }) },
  // Untransposed 2-D products, where the stock kernel is XNNPACK and the replacement our GEMM:
  // T-JEPA's full-profile FFN and attention projections. The stock side multiplies by the same right
  // operand every call, so XNNPACK packs it once and reuses the packed copy; in training each call
  // brings a fresh one and pays for packing too.
  matmul_1920x64x192: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([1920, 64], 0, 1, 'float32', 29), b: tf.randomNormal([64, 192], 0, 1, 'float32', 30) }) },
  matmul_384x64x64: { kernel: 'BatchMatMul', attrs: { transposeA: false, transposeB: false },
    inputs: () => ({ a: tf.randomNormal([384, 64], 0, 1, 'float32', 31), b: tf.randomNormal([64, 64], 0, 1, 'float32', 32) }) },
  // A bias gradient of T-JEPA's full profile: column sums over 5120 rows.
  sum_5120x48_axis0: { kernel: 'Sum', attrs: { axis: [0], keepDims: false }, inputs: () => ({ x: tf.randomNormal([5120, 48], 0, 1, 'float32', 33) }) },
  // LayerNorm's scale and centring in T-JEPA's full-profile predictor: one operand broadcast along
  // rows and along columns.
  multiply_512x10x16_by_16: { kernel: 'Multiply', attrs: {},
    inputs: () => ({ a: tf.randomNormal([512, 10, 16], 0, 1, 'float32', 34), b: tf.randomNormal([16], 0, 1, 'float32', 35) }) },
  sub_512x10x16_by_512x10x1: { kernel: 'Sub', attrs: {},
    inputs: () => ({ a: tf.randomNormal([512, 10, 16], 0, 1, 'float32', 36), b: tf.randomNormal([512, 10, 1], 0, 1, 'float32', 37) }) },
  // The head split of T-JEPA's full-profile predictor, and the Mean gradient's broadcast there.
  transpose_512x10x4x4: { kernel: 'Transpose', attrs: { perm: [0, 2, 1, 3] }, inputs: () => ({ x: tf.randomNormal([512, 10, 4, 4], 0, 1, 'float32', 38) }) },
  tile_5120x1_by_16: { kernel: 'Tile', attrs: { reps: [1, 16] }, inputs: () => ({ x: tf.randomNormal([5120, 1], 0, 1, 'float32', 39) }) },
  // What the engine does for every tensor a gradient keeps: the stock kernel copies it.
  identity_1m: { kernel: 'Identity', attrs: {}, inputs: () => ({ x: tf.randomNormal([1024, 1024], 0, 1, 'float32', 20) }) },
  // T-JEPA's token gather, its attention's q/k/v split, and that split's gradient.
  gather_7680x16_3584: { kernel: 'GatherV2', attrs: { axis: 0, batchDims: 0 },
    inputs: () => ({ x: tf.randomNormal([7680, 16], 0, 1, 'float32', 23), indices: tf.randomUniform([3584], 0, 7680, 'int32', 24) }) },
  splitv_20480x24_3: { kernel: 'SplitV', attrs: { numOrSizeSplits: 3, axis: 1 }, inputs: () => ({ x: tf.randomNormal([20480, 24], 0, 1, 'float32', 25) }) },
  concat_3x20480x8: { kernel: 'Concat', attrs: { axis: 1 }, list: true,
    inputs: () => ({ a: tf.randomNormal([20480, 8], 0, 1, 'float32', 26), b: tf.randomNormal([20480, 8], 0, 1, 'float32', 27), c: tf.randomNormal([20480, 8], 0, 1, 'float32', 28) }) },
  tile_broadcast_1M: { kernel: 'Tile', attrs: { reps: [64, 32, 32, 1] }, inputs: () => ({ x: tf.randomNormal([1, 1, 1, 16], 0, 1, 'float32', 13) }) },
  embedding_gradient_512x64_50: { kernel: 'UnsortedSegmentSum', attrs: { numSegments: 50 },
    inputs: () => ({ x: tf.randomNormal([512, 64], 0, 1, 'float32', 14), segmentIds: tf.randomUniform([512], 0, 50, 'int32', 15) }) },
};

export const KERNEL_CASES = Object.keys(CASES);

type Call = () => void;

function calls(backend: WasmBackend, c: Case): { replacement: Call; stock: Call } {
  const tensors = c.inputs();
  const named = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { dataId: t.dataId, shape: t.shape, dtype: t.dtype } as TensorInfo]));
  const inputs = (c.list ? Object.values(named) : named) as Record<string, TensorInfo>;
  const attrs = c.attrs as NamedAttrMap;
  const dispose = (o: TensorInfo | TensorInfo[]) => (Array.isArray(o) ? o : [o]).forEach((t) => backend.disposeData(t.dataId));
  const replaced = getKernel(c.kernel, 'wasm')!.kernelFunc;
  const fallback = cpuFallback(c.kernel);
  return {
    replacement: () => dispose(replaced({ inputs, backend: backend as never, attrs }) as TensorInfo),
    stock: hasStock(c.kernel)
      ? () => dispose(runStock(c.kernel, backend, inputs, attrs))
      : () => dispose(fallback({ inputs, backend: backend as never, attrs }) as TensorInfo),
  };
}

/** The bench for some cases (all by default): tasks `replacement` and `stock` per case, named `<case>` and `<case>_stock`. */
export function kernelsBench(cases: string[] = KERNEL_CASES): BenchDefinition {
  for (const c of cases) if (!CASES[c]) throw new Error(`unknown kernel case '${c}'; cases: ${KERNEL_CASES.join(', ')}`);
  const prepared = new Map<string, { replacement: Call; stock: Call }>();
  const tasks: BenchDefinition['tasks'] = {};
  for (const name of cases) {
    tasks[name] = () => prepared.get(name)!.replacement();
    tasks[`${name}_stock`] = () => prepared.get(name)!.stock();
  }
  return {
    name: 'wasm-kernels',
    time: 500,
    iterations: 5,
    setup: async () => {
      const info = await initBackend({ prefer: 'wasm' });
      if (info.name !== 'wasm') throw new Error('the kernel microbenchmark needs the wasm backend');
      for (const name of cases) prepared.set(name, calls(tf.backend() as unknown as WasmBackend, CASES[name]));
    },
    tasks,
    pairs: cases.map((n) => [`${n}_stock`, n]),
  };
}

// As a script: `node kernels.bench.js [--case NAME ...]`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { case: { type: 'string', multiple: true }, 'bench-child': { type: 'boolean' } }, strict: true });
  await benchMain(process.argv[1], kernelsBench(values.case));
}
