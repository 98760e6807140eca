#!/usr/bin/env node
// Totals the vitest JSON reports in tmp/test-results into one closing line: "N passed, N failed, N skipped".
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? 'tmp/test-results');
let passed = 0, failed = 0, skipped = 0;
if (existsSync(dir)) {
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    console.log(`${path.basename(f, '.json')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
