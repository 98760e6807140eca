import { loadCaliforniaHousing, Rng } from '@repro/core';
import { sampleDocs, runSensitivity } from '@repro/struc-bench';
import { sampleMasks, maskBounds } from '@repro/tjepa';
const t = (await loadCaliforniaHousing()).table;
const docs = sampleDocs(t, 'ch', 2, { documents: 3, rows: 5, columns: 4, strengths: [] });
const r = runSensitivity('table', docs, 2, [0.25, 1]);
const m = sampleMasks(16, 8, 1, maskBounds(8, { minContext: 0.14, maxContext: 0.37, minTarget: 0.16, maxTarget: 0.62 }), new Rng(5));
console.log(JSON.stringify({ docs, r, m: [Array.from(m.context), m.targets.map((x) => Array.from(x))] }).length, JSON.stringify({ docs, r, m: [Array.from(m.context), m.targets.map((x) => Array.from(x))] }).slice(0, 0));
import('node:fs').then((fs) => fs.writeFileSync(process.argv[2], JSON.stringify({ docs, r, m: [Array.from(m.context), m.targets.map((x) => Array.from(x))] })));
