// Dependencies point inward (http, cli -> service -> store -> domain): an import the wrong way fails the build.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const SRC = fileURLToPath(new URL('../../src', import.meta.url))

/** For each layer: the layers it may import, and the packages it may import. */
const RULES: Record<string, { layers: string[]; packages: RegExp }> = {
  domain: { layers: ['domain'], packages: /^$/ },
  store: { layers: ['store', 'domain'], packages: /^(node:.*|kysely|better-sqlite3|pg)$/ },
  service: { layers: ['service', 'store', 'domain'], packages: /^(node:.*|csv-parse\/sync)$/ },
  http: { layers: ['http', 'web', 'service', 'domain', 'config.ts'], packages: /^(node:.*|fastify|fast-xml-parser|busboy|@humanwhocodes\/momoa|@sinclair\/typebox|prom-client|@fastify\/swagger|@fastify\/swagger-ui|@redis\/client|pino-pretty)$/ },
  // The board: a surface like http/ (whose error mapping it shares), never the store.
  web: {
    layers: ['web', 'http', 'service', 'domain', 'config.ts'],
    packages: /^(node:.*|fastify|@fastify\/(cookie|formbody|helmet)|preact|preact-render-to-string)$/,
  },
  cli: { layers: ['cli', 'http', 'service', 'domain', 'config.ts', 'client'], packages: /^(node:.*|csv-stringify\/sync)$/ },
  client: { layers: ['client'], packages: /^$/ },
  'config.ts': { layers: ['domain'], packages: /^$/ },
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  )
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8')
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!)
}

// Relative imports name the .js a .ts file compiles to.
const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!.replace(/\.js$/, '.ts')

function violationsOf(file: string, imports: readonly string[]): string[] {
  const rule = RULES[layerOf(file)]
  if (!rule) return [`${relative(SRC, file)} is in no layer`]
  return imports.flatMap((target) => {
    if (!target.startsWith('.')) return rule.packages.test(target) ? [] : [`${relative(SRC, file)} imports package ${target}`]
    const layer = layerOf(join(file, '..', target))
    return rule.layers.includes(layer) ? [] : [`${relative(SRC, file)} imports ${layer} (${target})`]
  })
}

test('every import in src/ respects the layer rules', () => {
  const violations = sourceFiles(SRC).flatMap((file) => violationsOf(file, importsOf(file)))
  assert.deepEqual(violations, [])
})

test('the check catches wrong-way imports and stray packages', () => {
  const domainFile = join(SRC, 'domain', 'example.ts')
  assert.equal(violationsOf(domainFile, ['../store/database.js', 'node:crypto', './errors.js']).length, 2)
  assert.equal(violationsOf(join(SRC, 'service', 'example.ts'), ['fastify', '../http/server.js']).length, 2)
  assert.equal(violationsOf(join(SRC, 'http', 'example.ts'), ['../store/database.js', 'kysely']).length, 2)
  assert.deepEqual(importsOf(join(SRC, 'store', 'cases.ts')).includes('kysely'), true)
})
