/** Dataset manifests: datasets/<id>.json, validated against schemas/dataset-manifest.schema.json. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../schema.js';
import { datasetsDir } from '../paths.js';

export interface DatasetFile {
  path: string;
  url: string;
  bytes?: number;
  sha256?: string;
  md5?: string;
  note?: string;
  /** false where no single canonical file exists to download (a repacked split). */
  downloadable?: boolean;
}

export interface DatasetManifest {
  id: string;
  version: number;
  title: string;
  description?: string;
  license: string;
  citation: string;
  homepage?: string;
  files: DatasetFile[];
}

export function loadManifestFile(file: string): DatasetManifest {
  const m = readJsonFile<DatasetManifest>('dataset-manifest', file);
  const base = path.basename(file, '.json');
  if (m.id !== base) throw new Error(`${file}: field /id is ${JSON.stringify(m.id)} but the file is named ${base}.json`);
  return m;
}

export function listManifests(dir = datasetsDir()): DatasetManifest[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => loadManifestFile(path.join(dir, f)));
}

export function getManifest(id: string, dir = datasetsDir()): DatasetManifest {
  const all = listManifests(dir);
  const m = all.find((x) => x.id === id);
  if (!m) throw new Error(`unknown dataset '${id}'; known: ${all.map((x) => x.id).join(', ')}`);
  return m;
}
