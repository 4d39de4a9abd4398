// The spawning helpers' build check: a dist/ older than src/ (or missing a file) is refused in one line.

import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { assertFreshBuild, staleSource } from './fresh-build.js'

const EARLIER = new Date('2026-01-01T00:00:00Z')
const LATER = new Date('2026-01-01T00:01:00Z')

/** A project folder with these files, each given its modification time (nothing of the real tree is touched). */
function project(t: TestContext, files: Record<string, Date>): string {
  const root = mkdtempSync(join(tmpdir(), 'firehouse-build-'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  for (const [name, time] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true })
    writeFileSync(join(root, name), '')
    utimesSync(join(root, name), time, time)
  }
  return root
}

const BUILT = {
  'src/cli/bin.ts': EARLIER,
  'src/web/views/board.tsx': EARLIER,
  'src/web/assets/board.css': EARLIER,
  'dist/server/cli/bin.js': LATER,
  'dist/server/web/views/board.js': LATER,
  'dist/server/web/assets/board.css': LATER,
}

test('a build newer than every source (.ts, .tsx, copied assets) is fresh, and so is one as old as its sources', (t) => {
  const built = project(t, BUILT)
  assert.equal(staleSource(join(built, 'src'), join(built, 'dist', 'server')), null)
  const sameTime = project(t, { ...BUILT, 'dist/server/cli/bin.js': EARLIER })
  assert.equal(staleSource(join(sameTime, 'src'), join(sameTime, 'dist', 'server')), null)
  assert.doesNotThrow(() => assertFreshBuild(built))
})

test('a source edited after the build makes it stale, whichever kind of file it is', (t) => {
  for (const source of ['src/cli/bin.ts', 'src/web/views/board.tsx', 'src/web/assets/board.css']) {
    const root = project(t, { ...BUILT, [source]: new Date(LATER.getTime() + 1) })
    assert.equal(staleSource(join(root, 'src'), join(root, 'dist', 'server')), source.slice('src/'.length))
  }
})

test('a source added since the build (no output yet) makes it stale', (t) => {
  const root = project(t, { ...BUILT, 'src/store/case-reads.ts': EARLIER })
  assert.equal(staleSource(join(root, 'src'), join(root, 'dist', 'server')), 'store/case-reads.ts')
})

test('assertFreshBuild refuses a stale build with one line saying to run npm run build, and passes without any build', (t) => {
  const stale = project(t, { ...BUILT, 'src/cli/bin.ts': new Date(LATER.getTime() + 1) })
  assert.throws(() => assertFreshBuild(stale), (error: Error) => {
    assert.match(error.message, /^dist\/ is older than src\/cli\/bin\.ts\b.*run `npm run build`$/)
    assert.doesNotMatch(error.message, /\n/)
    return true
  })
  // Without dist/server, bin/firehouse.js runs the sources through tsx.
  assert.doesNotThrow(() => assertFreshBuild(project(t, { 'src/cli/bin.ts': LATER })))
})
