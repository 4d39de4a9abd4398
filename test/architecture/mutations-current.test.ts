// Every break in the mutation catalogue still applies to the code: a refactor that moves the text a
// mutation finds leaves it "stale", and the guarantee it stood for would go unchecked unnoticed.

import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { MUTATIONS } from '../mutations/catalogue.js'

const PROJECT = fileURLToPath(new URL('../..', import.meta.url))

test('every mutation finds its text exactly once in its file, and names test files that exist', () => {
  const problems: string[] = []
  for (const mutation of MUTATIONS) {
    const file = `${PROJECT}${mutation.file}`
    if (!existsSync(file)) {
      problems.push(`${mutation.id}: no file ${mutation.file}`)
      continue
    }
    const occurrences = readFileSync(file, 'utf8').split(mutation.find).length - 1
    if (occurrences !== 1) problems.push(`${mutation.id}: its text occurs ${occurrences} times in ${mutation.file}`)
    for (const testFile of mutation.tests) if (!existsSync(`${PROJECT}${testFile}`)) problems.push(`${mutation.id}: no test file ${testFile}`)
  }
  assert.deepEqual(problems, [])
  assert.equal(new Set(MUTATIONS.map((mutation) => mutation.id)).size, MUTATIONS.length, 'mutation ids are unique')
})
