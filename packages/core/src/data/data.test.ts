import { createServer, type Server } from 'node:http';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGolden, useSharedMirror } from '../testing/golden.js';
import { datasetFile, fetchDataset, verifyFile } from './files.js';
import { getManifest, listManifests, loadManifestFile, type DatasetManifest } from './manifest.js';
import { loadOptdigits, parseOptdigits } from './loaders/optdigits.js';
import { loadAdult, parseAdult } from './loaders/adult.js';
import { loadCaliforniaHousing } from './loaders/california-housing.js';
import { gsm8kFinal, loadGsm8k, loadGsm8kSolutions } from './loaders/gsm8k.js';
import { JSONSCHEMABENCH_SPLITS, loadJsonSchemaBench } from './loaders/jsonschemabench.js';
import { column } from './table.js';
import { batches, randomSplit, stratifiedSplit } from './split.js';
import { standardizeColumns } from './normalize.js';
import { Rng } from '../rng.js';

const mirror = useSharedMirror();
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'repro-data-'));

describe('manifests', () => {
  it('every manifest in datasets/ validates and pins a hash for every file', () => {
    const all = listManifests();
    expect(all.map((m) => m.id)).toEqual(['adult', 'california-housing', 'cifar-10', 'gsm8k', 'jsonschemabench', 'optdigits']);
    for (const m of all) for (const f of m.files) expect(f.sha256 ?? f.md5).toMatch(/^[0-9a-f]{32,64}$/);
  });
  it('a bad manifest is an error naming the file, the line and the field', () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'bad', version: 1, title: 't', license: 'x', citation: 'c', files: [{ path: 'a.csv', url: 'not a url', sha256: 'zz' }] }, null, 2));
    expect(() => loadManifestFile(file)).toThrow(/bad\.json is not valid:[\s\S]*line \d+: field \/files\/0\/url must match format "uri"[\s\S]*\/files\/0\/sha256/);
    writeFileSync(file, '{"id": "bad",\n "version": }');
    expect(() => loadManifestFile(file)).toThrow(/bad\.json is not valid:\n  line 2, column 13: not JSON: unexpected "}"/);
  });
  it('accepts an md5 where that is all a source publishes', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'tiny'));
    writeFileSync(path.join(dir, 'tiny', 'a.txt'), 'hello\n');
    const m: DatasetManifest = { id: 'tiny', version: 1, title: 't', license: 'l', citation: 'c', files: [{ path: 'a.txt', url: 'http://127.0.0.1/a.txt', md5: 'b1946ac92492d2347c6235b4d2611184' }] };
    await expect(verifyFile(path.join(dir, 'tiny', 'a.txt'), m.files[0])).resolves.toBeUndefined();
    await expect(verifyFile(path.join(dir, 'tiny', 'a.txt'), { ...m.files[0], md5: '0'.repeat(32) })).rejects.toThrow(/md5 mismatch, expected 0{32}, got b1946ac92492d2347c6235b4d2611184/);
  });
});

describe('file resolution and hashing', () => {
  it('a file whose sha256 does not match is refused, naming expected and actual hashes', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'optdigits'));
    writeFileSync(path.join(dir, 'optdigits', 'optdigits.tes'), '0,'.repeat(64) + '0\n');
    const saved = process.env.REPRO_DATA_MIRROR;
    process.env.REPRO_DATA_MIRROR = dir;
    try {
      await expect(datasetFile(getManifest('optdigits'), 'optdigits.tes')).rejects.toThrow(
        /optdigits\.tes: sha256 mismatch, expected 6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8, got [0-9a-f]{64}; the file is not used/);
      process.env.REPRO_CACHE = tmp();
      await expect(datasetFile(getManifest('optdigits'), 'optdigits.tra')).rejects.toThrow(/optdigits\.tra is missing .*repro datasets fetch optdigits/);
      await expect(datasetFile(getManifest('jsonschemabench'), 'Handwritten.jsonl')).rejects.toThrow(/set REPRO_DATA_MIRROR/);
    } finally {
      process.env.REPRO_DATA_MIRROR = saved;
      delete process.env.REPRO_CACHE;
    }
  });
});

describe('fetch into the cache from a loopback server', () => {
  let server: Server;
  let base = '';
  const body = 'a,b\n1,2\n';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.csv') { res.writeHead(200, { 'content-length': String(body.length) }); res.end(body); }
      else if (req.url === '/wrong.csv') { res.writeHead(200); res.end('tampered\n'); }
      else { res.writeHead(404); res.end(); }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  const manifest = (file: string): DatasetManifest => ({ id: 'loop', version: 1, title: 't', license: 'l', citation: 'c',
    files: [{ path: 'ok.csv', url: `${base}/${file}`, sha256: 'd2ee8ef26a58ac4e4ea8dc7a50e0ad7a8c00b9c0e1cb1bd9f5fa0c21c8e3e2a9' }] });

  it('downloads, verifies, reports progress and renames into place; a bad hash leaves nothing behind', async () => {
    const cache = tmp();
    process.env.REPRO_CACHE = cache;
    const saved = process.env.REPRO_DATA_MIRROR;
    delete process.env.REPRO_DATA_MIRROR;
    try {
      const { createHash } = await import('node:crypto');
      const good = manifest('ok.csv');
      good.files[0].sha256 = createHash('sha256').update(body).digest('hex');
      const seen: number[] = [];
      const [p] = await fetchDataset(good, (_f, done) => seen.push(done));
      expect(p).toBe(path.join(cache, 'loop', 'ok.csv'));
      expect(seen.at(-1)).toBe(body.length);

      const bad = { ...good, files: [{ ...good.files[0], path: 'bad.csv', url: `${base}/wrong.csv` }] };
      await expect(fetchDataset(bad)).rejects.toThrow(/sha256 mismatch/);
      expect(readdirSync(path.join(cache, 'loop'))).toEqual(['ok.csv']);
      const missing = { ...good, files: [{ ...good.files[0], path: 'gone.csv', url: `${base}/gone.csv` }] };
      await expect(fetchDataset(missing)).rejects.toThrow(/HTTP 404/);
    } finally {
      delete process.env.REPRO_CACHE;
      process.env.REPRO_DATA_MIRROR = saved;
    }
  });
});

describe.runIf(mirror)('loaders on the real files', () => {
  it('optdigits: 3,823 train and 1,797 test rows of 64 pixels in 0..16', async () => {
    const d = await loadOptdigits();
    expect([d.train.n, d.test.n]).toEqual([3823, 1797]);
    expect(d.train.x.reduce((a, b) => Math.max(a, b), 0)).toBe(16);
    expect(new Set(d.test.y).size).toBe(10);
    expect(() => parseOptdigits('1,2,3\n', 'x.tra')).toThrow(/x\.tra:1: expected 65 integers/);
  });
  it('adult: the test file header line and trailing periods are handled, "?" is missing', async () => {
    const d = await loadAdult();
    expect([d.train.table.rows, d.test.table.rows]).toEqual([32561, 16281]);
    const pos = (y: Int32Array) => y.reduce((s, v) => s + v, 0);
    expect(pos(d.train.y)).toBe(7841);
    expect(pos(d.test.y)).toBe(3846);
    const wc = column(d.train.table, 'workclass');
    expect(wc.kind === 'categorical' && wc.values.filter((v) => v === null).length).toBe(1836);
    expect(() => parseAdult('39, State-gov, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, maybe\n', 'a.data')).toThrow(/a\.data:1: label "maybe"/);
  });
  it('california housing: 20,640 rows, 207 missing total_bedrooms', async () => {
    const d = await loadCaliforniaHousing();
    expect(d.table.rows).toBe(20640);
    const tb = column(d.table, 'total_bedrooms');
    expect(tb.kind === 'numeric' && tb.values.filter(Number.isNaN).length).toBe(207);
    expect(d.y.reduce((a, b) => Math.max(a, b), 0)).toBe(500001);
  });
  it('gsm8k: final answers after ####, commas removed', async () => {
    const test = await loadGsm8k('test');
    expect(test.length).toBe(1319);
    expect(test[0].final).toBe('18');
    expect(gsm8kFinal('so 1,234 total\n#### 1,234')).toBe('1234');
    expect(() => gsm8kFinal('no marker')).toThrow(/no '#### ' marker/);
    // GSM8K's own extractor on the shared vectors; where it answers "[invalid]" this one refuses
    for (const g of readGolden<{ gsm8k_answer_extraction: { text: string; answer: string }[] }>('structured-output/derived_vectors.json').gsm8k_answer_extraction) {
      if (g.answer === '[invalid]') expect(() => gsm8kFinal(g.text)).toThrow(/no '#### ' marker/);
      else expect(gsm8kFinal(g.text)).toBe(g.answer);
    }
    expect((await loadGsm8kSolutions()).length).toBe(1319);
  });
  it('jsonschemabench: every split with its schema count', async () => {
    const counts = await Promise.all(JSONSCHEMABENCH_SPLITS.map(async (s) => (await loadJsonSchemaBench(s)).length));
    expect(counts).toEqual([444, 1943, 1707, 147, 413]);
  });
});

describe('splits and batches', () => {
  it('stratified split keeps class shares and is seeded', () => {
    const y = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 < 3 ? 1 : 0));
    const [a, b] = stratifiedSplit(y, 0.2, new Rng(1, 'split'));
    expect(b.length).toBe(200);
    expect(Array.from(b).filter((i) => y[i] === 1).length).toBe(60);
    expect(new Set([...a, ...b]).size).toBe(1000);
    expect(stratifiedSplit(y, 0.2, new Rng(1, 'split'))[1]).toEqual(b);
    expect(stratifiedSplit(y, 0.2, new Rng(2, 'split'))[1]).not.toEqual(b);
  });
  it('random split covers every row once', () => {
    const parts = randomSplit(101, [0.64, 0.16, 0.2], new Rng(3, 's'));
    expect(parts.map((p) => p.length)).toEqual([64, 16, 21]);
    expect(new Set(parts.flatMap((p) => [...p])).size).toBe(101);
    expect(() => randomSplit(10, [0.5, 0.4], new Rng(3, 's'))).toThrow(/sum to 0\.9/);
  });
  it('batches cover all indices, shuffled by a seeded stream', () => {
    const seen = [...batches(10, 4, { rng: new Rng(1, 'order') })];
    expect(seen.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(new Set(seen.flatMap((b) => [...b])).size).toBe(10);
    expect([...batches(10, 4, { dropLast: true })].length).toBe(2);
  });
});

describe('standardizeColumns', () => {
  it('uses the training rows only, and centres constant columns', () => {
    const train = Float32Array.from([1, 5, 3, 5]), test = Float32Array.from([2, 7]);
    standardizeColumns(train, [test], 2);
    expect(Array.from(train)).toEqual([-1, 0, 1, 0]);
    expect(Array.from(test)).toEqual([0, 2]);
  });
});
