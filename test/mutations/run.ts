// `npm run test:mutations [id …]`: applies each break of the catalogue to a copy of the project,
// rebuilds it, runs the tests that claim the guarantee and reports killed / survived / stale.

import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MUTATIONS, type Mutation } from './catalogue.js'

const PROJECT = fileURLToPath(new URL('../..', import.meta.url))
const PER_MUTATION_TIMEOUT_MS = 10 * 60_000

type Outcome = 'killed' | 'survived' | 'stale' | 'build failed'

/** A copy of the project's files (tracked and new, not ignored) with node_modules linked, not copied. */
function copyProject(): string {
  const copy = mkdtempSync(join(tmpdir(), 'firehouse-mutant-'))
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: PROJECT, encoding: 'utf8' })
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(copy, file)), { recursive: true })
    cpSync(join(PROJECT, file), join(copy, file))
  }
  symlinkSync(join(PROJECT, 'node_modules'), join(copy, 'node_modules'))
  return copy
}

function applyMutation(root: string, mutation: Mutation): boolean {
  const file = join(root, mutation.file)
  const text = readFileSync(file, 'utf8')
  if (text.split(mutation.find).length !== 2) return false
  writeFileSync(file, text.replace(mutation.find, mutation.replace))
  return true
}

function run(root: string, command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'], timeout: PER_MUTATION_TIMEOUT_MS, env: process.env })
  return result.status ?? 1
}

function tryMutation(mutation: Mutation): Outcome {
  const root = copyProject()
  try {
    if (!applyMutation(root, mutation)) return 'stale'
    if (run(root, 'npm', ['run', 'build', '--silent']) !== 0) return 'build failed'
    const pattern = mutation.testNamePattern ? [`--test-name-pattern=${mutation.testNamePattern}`] : []
    return run(root, process.execPath, ['--import', 'tsx', '--test', ...pattern, ...mutation.tests]) === 0 ? 'survived' : 'killed'
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

const wanted = process.argv.slice(2)
const chosen = wanted.length === 0 ? MUTATIONS : MUTATIONS.filter((mutation) => wanted.includes(mutation.id))
if (chosen.length === 0) {
  console.error(`No mutation named ${wanted.join(', ')}; known: ${MUTATIONS.map((mutation) => mutation.id).join(', ')}`)
  process.exit(2)
}
let failures = 0
for (const mutation of chosen) {
  const started = Date.now()
  const outcome = tryMutation(mutation)
  if (outcome !== 'killed') failures++
  console.log(`${outcome.padEnd(12)} ${mutation.id.padEnd(36)} ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${mutation.guarantee}`)
}
console.log(`\n${chosen.length - failures} of ${chosen.length} mutations killed`)
process.exit(failures === 0 ? 0 : 1)
