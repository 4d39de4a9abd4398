#!/usr/bin/env node
// Runs the compiled CLI (dist/server, built by `npm install` and `npm run build`); without a
// build, the TypeScript sources through tsx.
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/server/cli/bin.js', import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/bin.ts')
}
