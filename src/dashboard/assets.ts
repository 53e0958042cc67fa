// The dashboard's browser bundle (one JS file, one CSS file). `npm run build` writes it next to the compiled
// plugin (dist/dashboard/assets/); when that is absent — tests and `npm run dev` run the TypeScript
// sources — the plugin bundles src/dashboard/ui in memory with esbuild once, on first use (ADR 0011).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface Bundle {
  js: Buffer;
  css: Buffer;
  /** Content hash, used in asset URLs so browsers may cache them for good. */
  version: string;
}

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
export const PREBUILT_DIR = here('./assets/');
export const UI_ENTRY = here('./ui/main.ts');

function versionOf(js: Buffer, css: Buffer): string {
  return createHash('sha256').update(js).update(css).digest('hex').slice(0, 16);
}

/** Bundle the UI sources with esbuild (a build-time dependency; loaded only when bundling). */
export async function bundleUi(opts: { minify: boolean; entry?: string }): Promise<Bundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [opts.entry ?? UI_ENTRY],
    bundle: true,
    write: false,
    outdir: 'out',
    entryNames: 'app',
    format: 'esm',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify: opts.minify,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js) throw new Error('dashboard bundle produced no JavaScript');
  const jsBuf = Buffer.from(js.contents);
  const cssBuf = Buffer.from(css?.contents ?? new Uint8Array());
  return { js: jsBuf, css: cssBuf, version: versionOf(jsBuf, cssBuf) };
}

export async function writeBundle(dir: string, bundle: Bundle): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/app.js`, bundle.js);
  await writeFile(`${dir}/app.css`, bundle.css);
}

async function readPrebuilt(dir: string): Promise<Bundle | null> {
  if (!existsSync(`${dir}/app.js`)) return null;
  const [js, css] = await Promise.all([readFile(`${dir}/app.js`), readFile(`${dir}/app.css`).catch(() => Buffer.alloc(0))]);
  return { js, css, version: versionOf(js, css) };
}

let cached: Promise<Bundle> | null = null;

/** The bundle this process serves: prebuilt if present, else built once from the sources and kept in memory. */
export function loadBundle(): Promise<Bundle> {
  cached ??= (async () => (await readPrebuilt(PREBUILT_DIR)) ?? bundleUi({ minify: true }))();
  // A failed build is not cached, so a fixed source is picked up by the next request.
  void cached.catch(() => {
    cached = null;
  });
  return cached;
}
