import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Rng } from '@repro/core';
import { createEncoder, encode } from '@repro/tjepa';
await initBackend();
const shape = { nReg: 1, width: 16, layers: 2, heads: 2, ffn: 32, predWidth: 8, predLayers: 1, predHeads: 2, predFfn: 16, dropout: 0, numNumeric: 8, cardinalities: [] };
const enc = createEncoder(shape, new Rng(1), 'e');
const x = tf.randomUniform([1024, 8]);
for (let r = 0; r < 3; r++) { const t0 = performance.now(); tf.tidy(() => encode(enc, x, null, null, false).dataSync()); console.log('encode 1024', (performance.now() - t0).toFixed(1), 'ms'); }
const prof = await tf.profile(() => tf.tidy(() => encode(enc, x, null, null, false).dataSync()));
const by = {}; for (const k of prof.kernels) by[k.name] = (by[k.name] || 0) + k.kernelTimeMs;
console.log(Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,8));
console.log('kernels', prof.kernels.length, 'total kernel ms', prof.kernels.reduce((a,k)=>a+k.kernelTimeMs,0).toFixed(1));
const t0=performance.now(); for (let r=0;r<5;r++) tf.tidy(() => encode(enc, x, null, null, false).dataSync()); console.log('avg', ((performance.now()-t0)/5).toFixed(1));
console.log(tf.getBackend());
