// Worker threads that run one of our ES modules, from dist/ (built) or from the TypeScript sources
// (tests, `npm run dev`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The module `name` next to the calling module (`import.meta.url`), in the same form: .js built, .ts in sources. */
export function siblingModule(importMetaUrl: string, name: string): URL {
  const ext = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, importMetaUrl);
}

/**
 * A worker thread running the ES module `entry`. A TypeScript module is loaded through tsx's loader,
 * registered inside the thread: Node 20 does not pass a parent's `--import` on to workers.
 */
export function startModuleThread(entry: URL, workerData: object): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const boot = `
const { workerData } = require('node:worker_threads');
(async () => {
  const tsx = await import(workerData.tsxApi);
  tsx.register();
  await import(workerData.entry);
})().catch((err) => { console.error(err); process.exit(1); });
`;
  return new Worker(boot, { eval: true, workerData: { ...workerData, tsxApi: tsxEsmApi(), entry: entry.href } });
}

/** The file URL of tsx's ESM API (a dev dependency, present wherever the TypeScript sources run). */
function tsxEsmApi(): string {
  const pkgPath = createRequire(fileURLToPath(import.meta.url)).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}
