#!/usr/bin/env node
// One bundled file (scripts/bundle.mjs): starts sooner than loading tsc's ~90 modules one by one.
try {
  await import('../dist/pxe-doctor.mjs');
} catch (err) {
  // A checkout that was never built: say so in one line, not with a loader stack trace.
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('pxe-doctor.mjs')) throw err;
  process.stderr.write('pxe-doctor: dist/pxe-doctor.mjs is missing: run `npm run build` first\n');
  process.exitCode = 2;
}
