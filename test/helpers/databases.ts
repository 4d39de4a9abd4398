// The databases every store, service and HTTP suite runs against; each test gets a fresh one.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestDatabase {
  /** The FIREHOUSE_DB value that opens it. */
  url: string
  /** Removes it (files or database) after the test. */
  drop: () => Promise<void>
}

export interface TestDatabaseKind {
  name: string
  create: () => Promise<TestDatabase>
}

const SQLITE: TestDatabaseKind = {
  name: 'sqlite',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firehouse-test-'))
    return { url: join(dir, 'firehouse.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) }
  },
}

const ALL: TestDatabaseKind[] = [SQLITE]

/** Narrowed by FIREHOUSE_TEST_DBS=sqlite (comma-separated names). */
export const TEST_DATABASES: TestDatabaseKind[] = (() => {
  const wanted = process.env.FIREHOUSE_TEST_DBS?.split(',').map((name) => name.trim())
  return wanted ? ALL.filter((kind) => wanted.includes(kind.name)) : ALL
})()
