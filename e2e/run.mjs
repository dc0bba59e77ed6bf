// Runs every browser scenario: loads each e2e/*.spec.mjs (each registers
// its scenarios with the kit), then runs them one after another in one
// Chromium. Usage and output: see e2e/kit.mjs.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runScenarios } from './kit.mjs';

const dir = path.dirname(fileURLToPath(import.meta.url));
// MAILLAGE_E2E_SPECS (comma-separated file names) runs a shard of the
// files: e2e/explorer_test.go runs several shards side by side.
const chosen = (process.env.MAILLAGE_E2E_SPECS || '').split(',').filter(Boolean);
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.spec.mjs') && (!chosen.length || chosen.includes(f))).sort()) {
  await import(pathToFileURL(path.join(dir, f)).href);
}
process.exit((await runScenarios()) ? 1 : 0);
