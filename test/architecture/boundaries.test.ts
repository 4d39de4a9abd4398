// Dependencies point inward (http, cli -> service -> store -> domain): an import the wrong way fails the build.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SRC = join(ROOT, 'src')

/** For each layer: the layers it may import, and the packages it may import. */
const RULES: Record<string, { layers: string[]; packages: RegExp }> = {
  domain: { layers: ['domain'], packages: /^$/ },
  store: { layers: ['store', 'domain'], packages: /^(node:.*|kysely|better-sqlite3|pg)$/ },
  service: { layers: ['service', 'store', 'domain'], packages: /^(node:.*|csv-parse\/sync)$/ },
  http: { layers: ['http', 'web', 'service', 'domain', 'config.ts'], packages: /^(node:.*|fastify|fast-xml-parser|busboy|@humanwhocodes\/momoa|@sinclair\/typebox|@fastify\/type-provider-typebox|prom-client|@fastify\/swagger|@fastify\/swagger-ui|@redis\/client|pino|pino-pretty)$/ },
  // The board: a surface like http/ (whose error mapping it shares), never the store.
  web: {
    layers: ['web', 'http', 'service', 'domain', 'config.ts'],
    packages: /^(node:.*|fastify|@fastify\/(cookie|formbody|helmet)|preact|preact-render-to-string)$/,
  },
  cli: { layers: ['cli', 'http', 'service', 'domain', 'config.ts', 'client'], packages: /^(node:.*|csv-stringify\/sync)$/ },
  client: { layers: ['client'], packages: /^$/ },
  'config.ts': { layers: ['domain'], packages: /^$/ },
}

/** The project's own compiler options, so that specifiers resolve as `tsc` resolves them. */
const COMPILER_OPTIONS = (() => {
  const configFile = join(ROOT, 'tsconfig.json')
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile)
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configFile).options
})()
const RESOLUTION_CACHE = ts.createModuleResolutionCache(ROOT, (name) => name, COMPILER_OPTIONS)

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  )
}

/**
 * Every module a source text names, as the compiler's own scanner finds them: imports (`import
 * type` included), side-effect imports, `export … from`, dynamic `import()`, `import(…)` types,
 * `require`, and `/// <reference>` files and types. A type-only import is held to the same rules
 * as any other, as it always was here: `client/` imports only types, and those only from itself.
 */
function importsOf(text: string): string[] {
  const { importedFiles, referencedFiles, typeReferenceDirectives } = ts.preProcessFile(text, true, true)
  return [...importedFiles, ...referencedFiles, ...typeReferenceDirectives].map((reference) => reference.fileName)
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!

/** A specifier's file inside src/, or null when it names a package (or a module outside src/). */
function resolveInSrc(specifier: string, file: string): string | null {
  const { resolvedModule } = ts.resolveModuleName(specifier, file, COMPILER_OPTIONS, ts.sys, RESOLUTION_CACHE)
  if (!resolvedModule || resolvedModule.isExternalLibraryImport) return null
  const target = resolvedModule.resolvedFileName
  return relative(SRC, target).startsWith('..') ? null : target
}

function violationsOf(file: string, imports: readonly string[]): string[] {
  const name = relative(SRC, file)
  const rule = RULES[layerOf(file)]
  if (!rule) return [`${name} is in no layer`]
  return imports.flatMap((specifier) => {
    const target = resolveInSrc(specifier, file)
    if (target) return rule.layers.includes(layerOf(target)) ? [] : [`${name} imports ${layerOf(target)} (${specifier})`]
    // A relative path that is no file of src/ (a typo, ../package.json, a test helper) is no layer of ours.
    if (/^\.{1,2}(\/|$)/.test(specifier)) return [`${name} imports ${specifier}, which is no module of src/`]
    return rule.packages.test(specifier) ? [] : [`${name} imports package ${specifier}`]
  })
}

test('every import in src/ respects the layer rules', () => {
  const violations = sourceFiles(SRC).flatMap((file) => violationsOf(file, importsOf(readFileSync(file, 'utf8'))))
  assert.deepEqual(violations, [])
})

test('the check catches wrong-way imports and stray packages', () => {
  const domainFile = join(SRC, 'domain', 'example.ts')
  const domainText = [
    "import { FirehouseError } from './errors.js'",
    "import type { Kysely } from 'kysely'",
    "import '../http/server.js'",
    "export * from '../service/context.js'",
    'export const later = () => import(\'../store/database.js\')',
    "const crypto = await import('node:crypto')",
    "import { nothing } from './no-such-file.js'",
  ].join('\n')
  assert.deepEqual(violationsOf(domainFile, importsOf(domainText)), [
    'domain/example.ts imports package kysely',
    'domain/example.ts imports http (../http/server.js)',
    'domain/example.ts imports service (../service/context.js)',
    'domain/example.ts imports store (../store/database.js)',
    'domain/example.ts imports package node:crypto',
    'domain/example.ts imports ./no-such-file.js, which is no module of src/',
  ])
  assert.equal(violationsOf(join(SRC, 'service', 'example.ts'), ['fastify', '../http/server.js']).length, 2)
  assert.equal(violationsOf(join(SRC, 'http', 'example.ts'), ['../store/database.js', 'kysely']).length, 2)
  assert.equal(violationsOf(join(SRC, 'web', 'views', 'example.tsx'), ['../../store/database.js', 'preact']).length, 1)
  assert.deepEqual(violationsOf(join(SRC, 'cli', 'example.ts'), ['../config.js', '../client/index.js']), [])
  assert.equal(importsOf(readFileSync(join(SRC, 'store', 'database.ts'), 'utf8')).includes('kysely'), true)
})

/**
 * The modules a source text loads when it runs, `import()` with a literal included: `import type`,
 * imports of types only and `export type` are erased by the compiler and load nothing.
 */
function runtimeImportsOf(text: string): string[] {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest)
  const dynamic: string[] = []
  const findDynamic = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      dynamic.push(node.arguments[0].text)
    }
    ts.forEachChild(node, findDynamic)
  }
  findDynamic(source)
  const statics = source.statements.flatMap((statement) => {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause
      const typesOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)))
      return typesOnly ? [] : [(statement.moduleSpecifier as ts.StringLiteral).text]
    }
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      return [(statement.moduleSpecifier as ts.StringLiteral).text]
    }
    return []
  })
  return [...statics, ...dynamic]
}

/** The packages a module of src/ loads, itself and through every module of src/ it loads. */
function packagesLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>()
  if (seen.has(file)) return packages
  seen.add(file)
  for (const specifier of runtimeImportsOf(readFileSync(file, 'utf8'))) {
    const target = resolveInSrc(specifier, file)
    if (target === null) packages.add(specifier)
    else for (const name of packagesLoadedBy(target, seen)) packages.add(name)
  }
  return packages
}

test('the checkpoint thread loads better-sqlite3 and nothing else: every module a thread loads stays in its heap', () => {
  const loaded = [...packagesLoadedBy(join(SRC, 'service', 'checkpoint-thread-body.ts'))].filter((name) => !name.startsWith('node:'))
  assert.deepEqual(loaded, ['better-sqlite3'])
})

test('runtime imports leave out what the compiler erases', () => {
  const text = [
    "import type { A } from 'erased-a'",
    "import { type B, type C } from 'erased-b'",
    "export type { D } from 'erased-d'",
    "import { type E, F } from 'kept-f'",
    "import G from 'kept-g'",
    "import 'kept-side-effect'",
    "export { H } from 'kept-h'",
    "const later = async () => (await import('kept-dynamic')).default",
  ].join('\n')
  assert.deepEqual(runtimeImportsOf(text), ['kept-f', 'kept-g', 'kept-side-effect', 'kept-h', 'kept-dynamic'])
  assert.equal(packagesLoadedBy(join(SRC, 'service', 'writer-thread-body.ts')).has('kysely'), true)
})
