// `npm run build` step: bundle the dashboard UI into dist/dashboard/assets/, where the compiled plugin
// (dist/dashboard/plugin.js) finds it, so `npm start` serves it without esbuild at run time.
import { fileURLToPath } from 'node:url';
import { bundleUi, writeBundle } from './assets.js';

// The same two paths whether this runs from src/ (tsx) or dist/ (node): both sit two levels below the root.
const root = fileURLToPath(new URL('../../', import.meta.url));
const bundle = await bundleUi({ minify: true, entry: `${root}src/dashboard/ui/main.ts` });
await writeBundle(`${root}dist/dashboard/assets`, bundle);
console.log(`dashboard bundle: ${bundle.js.length} B js, ${bundle.css.length} B css (${bundle.version})`);
