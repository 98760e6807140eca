import { initBackend } from '@repro/core';
import { runTabularSsl } from '@repro/tjepa';
await initBackend();
const cfg = {
  model: { nReg: 1, width: 16, layers: 2, heads: 2, ffn: 32, predWidth: 8, predLayers: 1, predHeads: 2, predFfn: 16, dropout: 0 },
  pretrain: { epochs: Number(process.env.EP ?? 2), batchSize: 512, lr: 3.658682841082736e-4, warmupEpochs: 0, weightDecay: 0, finalWeightDecay: 0, emaStart: 0.996, numTargets: 4,
    shares: { minContext: 0.13628349247854785, maxContext: 0.36819012681604135, minTarget: 0.1556321308543076, maxTarget: 0.6222278244105446 }, maskIndexing: 'reference', firstStep: 'reference', gradClip: 1 },
  downstream: { hidden: [128, 128], adapterDim: 64, epochs: Number(process.env.DEP ?? 3), patience: 5, batchSize: 256, lr: 1e-3, weightDecay: 1e-5 },
  adapter: 'linear-flatten',
};
const ds = process.argv[2], arm = process.argv[3];
const t0 = performance.now();
const r = await runTabularSsl(arm, ds, 1, cfg, (l) => console.log(((performance.now()-t0)/1000).toFixed(1), l));
console.log(JSON.stringify(r));
