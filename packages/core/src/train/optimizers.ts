/**
 * Optimizers with PyTorch's update rules, so hyperparameters from the papers mean the same here.
 * - SGD: weight decay coupled into the gradient (g += wd * p), momentum buffer b = m*b + (1-dampening)*g
 *   (b = g on the first step), Nesterov g + m*b, then p -= lr * update.
 * - AdamW: decoupled decay p *= 1 - lr*wd, then Adam with bias correction.
 * The learning rate is passed to every step, so any schedule drives it.
 * Variables for which `decay(v)` is false get no weight decay (biases and norms, say).
 */
import * as tf from '@tensorflow/tfjs-core';
import { alloc, float32Bits, heapAddress, type WasmBackend } from '../backend/heap.js';
import { adamwUpdateFor } from '../backend/kernels/adamw-wasm.js';

export interface Optimizer {
  /** Applies one update. Call inside tf.tidy; grads are read, not disposed. */
  step(vars: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  /** Number of updates applied. */
  readonly steps: number;
  /** The step count and each variable's slots (absent for a variable never updated), for a checkpoint. */
  getState(vars: tf.Variable[]): OptimizerState;
  /** Puts back what `getState` returned for the same variables, in the same order. */
  setState(vars: tf.Variable[], state: OptimizerState): void;
  dispose(): void;
}

export interface OptimizerState { steps: number; slots: (Float32Array[] | null)[] }

export interface SgdOptions { momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number; decay?: (v: tf.Variable) => boolean }
/**
 * `weightDecay` may be a function, read at every step (a weight-decay schedule). `fused` (default
 * true): on wasm, each variable's update runs as one loop with the same bits as the tf ops
 * (backend/kernels/adamw-wasm.ts); false keeps the tf ops everywhere.
 */
export interface AdamWOptions { beta1?: number; beta2?: number; eps?: number; weightDecay?: number | (() => number); decay?: (v: tf.Variable) => boolean; fused?: boolean }

class State {
  private slots = new Map<tf.Variable, tf.Variable[]>();
  get(v: tf.Variable, n: number): tf.Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      s = Array.from({ length: n }, (_, i) => tf.variable(tf.zerosLike(v), false, `${v.name}/slot${i}`));
      this.slots.set(v, s);
    }
    return s;
  }
  read(vars: tf.Variable[]): (Float32Array[] | null)[] {
    return vars.map((v) => this.slots.get(v)?.map((t) => Float32Array.from(t.dataSync() as Float32Array)) ?? null);
  }
  write(vars: tf.Variable[], values: (Float32Array[] | null)[], n: number): void {
    if (values.length !== vars.length) throw new Error(`optimizer state holds ${values.length} variables, expected ${vars.length}`);
    vars.forEach((v, i) => {
      const vals = values[i];
      if (!vals) return;
      if (vals.length !== n || vals.some((a) => a.length !== v.size)) throw new Error(`optimizer state for ${v.name} does not fit its shape [${v.shape}]`);
      tf.tidy(() => this.get(v, n).forEach((t, k) => t.assign(tf.tensor(vals[k], v.shape))));
    });
  }
  dispose(): void {
    for (const s of this.slots.values()) s.forEach((t) => t.dispose());
    this.slots.clear();
  }
}

export function sgd(opts: SgdOptions = {}): Optimizer {
  const { momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, decay = () => true } = opts;
  if (nesterov && (momentum <= 0 || dampening !== 0)) throw new Error('sgd: Nesterov momentum needs momentum > 0 and dampening 0 (as in PyTorch)');
  const state = new State();
  let steps = 0;
  return {
    get steps() { return steps; },
    step(vars, grads, lr) {
      vars.forEach((v, i) => {
        let g = grads[i];
        if (weightDecay && decay(v)) g = tf.add(g, tf.mul(v, weightDecay));
        if (momentum) {
          const [buf] = state.get(v, 1);
          buf.assign(steps === 0 ? g : tf.add(tf.mul(buf, momentum), dampening ? tf.mul(g, 1 - dampening) : g));
          g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
        }
        v.assign(tf.sub(v, tf.mul(g, lr)));
      });
      steps++;
    },
    getState: (vars) => ({ steps, slots: state.read(vars) }),
    setState(vars, st) { state.write(vars, st.slots, 1); steps = st.steps; },
    dispose: () => state.dispose(),
  };
}

export function adamw(opts: AdamWOptions = {}): Optimizer {
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01, decay = () => true, fused = true } = opts;
  const state = new State();
  let steps = 0;
  return {
    get steps() { return steps; },
    step(vars, grads, lr) {
      const t = steps + 1;
      const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
      const wd = typeof weightDecay === 'function' ? weightDecay() : weightDecay;
      const backend = tf.backend() as unknown as WasmBackend;
      const loop = fused ? adamwUpdateFor(backend) : null;
      vars.forEach((v, i) => {
        const g = grads[i];
        const [m, s] = state.get(v, 2);
        if (loop && v.dtype === 'float32' && g.dtype === 'float32') {
          // The scalars as the tf ops make them: each JavaScript number rounded to float32.
          const scalars = [wd && decay(v) ? 1 - lr * wd : 1, beta1, 1 - beta1, beta2, 1 - beta2, Math.sqrt(c2), eps, lr / c1].map(float32Bits);
          const [nv, nm, ns] = [0, 1, 2].map(() => alloc(backend, v.shape));
          const [av, ag, am, as, anv, anm, ans] = [v, g, m, s, nv, nm, ns].map((x) => heapAddress(backend, x));
          loop(av, ag, am, as, anv, anm, ans, v.size, ...scalars);
          const engine = tf.engine();
          m.assign(engine.makeTensorFromTensorInfo(nm));
          s.assign(engine.makeTensorFromTensorInfo(ns));
          v.assign(engine.makeTensorFromTensorInfo(nv));
          return;
        }
        const p = wd && decay(v) ? tf.mul(v, 1 - lr * wd) : v;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        s.assign(tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(s), Math.sqrt(c2)), eps);
        v.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / c1)));
      });
      steps = t;
    },
    getState: (vars) => ({ steps, slots: state.read(vars) }),
    setState(vars, st) { state.write(vars, st.slots, 2); steps = st.steps; },
    dispose: () => state.dispose(),
  };
}
