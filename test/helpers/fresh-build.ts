// Refuses to spawn the server or CLI from a dist/ older than src/: the test would run old code.

import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const PROJECT = fileURLToPath(new URL('../..', import.meta.url))

/** Where `npm run build` puts a source file: .ts/.tsx compiled to .js, anything else (assets) copied as is. */
function outputOf(source: string): string {
  return source.replace(/\.tsx?$/, '.js')
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

/**
 * The first file under `srcDir` (relative to it) whose build output in `outDir` is missing or
 * older than it; null when every output is at least as new as its source.
 */
export function staleSource(srcDir: string, outDir: string): string | null {
  for (const source of filesUnder(srcDir)) {
    const name = relative(srcDir, source)
    const output = join(outDir, outputOf(name))
    if (!existsSync(output)) return name
    if (statSync(output).mtimeMs < statSync(source).mtimeMs) return name
  }
  return null
}

const fresh = new Set<string>()

/**
 * Throws a one-line error when `root`'s dist/server is older than its src/, once per process and
 * root while it is fresh. Without dist/server, bin/firehouse.js runs the sources through tsx, so
 * there is nothing to be stale.
 *
 * It fails rather than running `npm run build` itself: dist/ is shared by every test process and
 * every server started from this tree, and a build inside a test would rewrite modules under them
 * (and two test files would race for it). `npm test` and `npm run test:mutations` build first, so
 * only a single file run after editing src/ meets this, and the line says what to do.
 */
export function assertFreshBuild(root: string = PROJECT): void {
  if (fresh.has(root)) return
  if (existsSync(join(root, 'dist', 'server', 'cli', 'bin.js'))) {
    const stale = staleSource(join(root, 'src'), join(root, 'dist', 'server'))
    if (stale !== null) throw new Error(`dist/ is older than src/${stale}, so a spawned server or CLI would run old code: run \`npm run build\``)
  }
  fresh.add(root)
}
