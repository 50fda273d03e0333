#!/usr/bin/env node
// RouteCodex runs from its bundle (bin/bundle.mjs), rebuilt from src/ when a source changed. Where the
// bundle cannot be written (a read-only install), the sources run through the tsx loader instead.
import { ensureBundle } from './bundle.mjs';

let entry;
try {
  entry = await ensureBundle('routecodex', 'src/routecodex/cli/main.ts', ['src/routecodex', 'src/shared']);
} catch (e) {
  process.stderr.write(`routecodex: running from the TypeScript sources (could not build dist/routecodex.mjs: ${e.message})\n`);
}
if (entry) {
  // Stack traces point at the TypeScript sources (the bundle carries an inline source map).
  process.setSourceMapsEnabled(true);
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/routecodex/cli/main.ts');
}
