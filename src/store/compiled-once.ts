// Hot-path queries built and compiled once per open database; each call only fills in its values.

import type { Compilable, CompiledQuery, Kysely } from 'kysely'
import type { Database } from './database.js'
import { markForPreparing } from './prepared-texts.js'

/**
 * Wraps a query builder so that it runs once per open database, with placeholders for its values;
 * later calls reuse the compiled text and pass their own values as its parameters. Building and
 * compiling a Kysely query costs more than SQLite takes to run it, and the text stays identical
 * from call to call, which also lets the driver reuse its prepared statement (better-sqlite3's
 * cache; on PostgreSQL a named statement per connection, prepared-texts.ts).
 *
 * `names` lists every key of the values, which the compiler checks: an insert silently leaves
 * out a column whose value is missing. `build` must place every value as it is (compared,
 * inserted, set): a value it transformed (lower-cased, added to) would be transformed once, as a
 * placeholder. A template that does not use each value is refused when it is first compiled.
 */
export function compiledOnce<Params extends Record<string, unknown>, Row>(
  names: { [Name in keyof Params]: true },
  build: (db: Kysely<Database>, params: Params) => Compilable<Row>,
): (db: Kysely<Database>, params: Params) => Promise<Row[]> {
  const oneRow = compiledOncePerRowCount(names, (db, [params]: Params[]) => build(db, params!))
  return (db, params) => oneRow(db, [params])
}

/** A parameter of a multi-row template: a named value of one of the rows, a value shared by all rows, or a constant. */
type RowParameter = { row: number; name: string } | { shared: string } | { constant: unknown }

/**
 * compiledOnce for statements over many rows (multi-row inserts, IN lists): compiled once per
 * database and row count, so that the chunks of a bulk load, which all have the same size but the
 * last, reuse one text and one prepared statement. The same rules apply to each row's values, and
 * to the values `sharedNames` lists, which a call passes once for all its rows (a tenant id).
 */
export function compiledOncePerRowCount<Params extends Record<string, unknown>, Row, Shared extends Record<string, unknown> = Record<never, never>>(
  names: { [Name in keyof Params]: true },
  build: (db: Kysely<Database>, rows: Params[], shared: Shared) => Compilable<Row>,
  sharedNames?: { [Name in keyof Shared]: true },
): (db: Kysely<Database>, rows: readonly Params[], shared?: Shared) => Promise<Row[]> {
  const templates = new WeakMap<object, Map<number, { compiled: CompiledQuery; parameters: readonly RowParameter[] }>>()
  const sharedList = Object.keys(sharedNames ?? {})
  return async (db, rows, shared) => {
    // A Kysely instance and its transactions share one adapter: templates per open database.
    const adapter = db.getExecutor().adapter
    let bySize = templates.get(adapter)
    if (!bySize) templates.set(adapter, (bySize = new Map()))
    let template = bySize.get(rows.length)
    if (!template) bySize.set(rows.length, (template = compileRowsTemplate(db, Object.keys(names), sharedList, rows.length, build)))
    const parameters = template.parameters.map((parameter) =>
      'row' in parameter ? rows[parameter.row]![parameter.name] : 'shared' in parameter ? shared![parameter.shared] : parameter.constant,
    )
    const result = await db.executeQuery<Row>({ ...template.compiled, parameters })
    return result.rows
  }
}

function compileRowsTemplate<Params extends Record<string, unknown>, Row, Shared extends Record<string, unknown>>(
  db: Kysely<Database>,
  names: readonly string[],
  sharedNames: readonly string[],
  count: number,
  build: (db: Kysely<Database>, rows: Params[], shared: Shared) => Compilable<Row>,
) {
  // Placeholders that no constant of our queries could equal mark the values; the call's own
  // values are bound later, by position, and never compared with them.
  const placeholderOf = (row: number, name: string): string => `\u0000${row}\u0000${name}\u0000`
  const sharedPlaceholderOf = (name: string): string => `\u0000shared\u0000${name}\u0000`
  const rows = Array.from({ length: count }, (_, row) => Object.fromEntries(names.map((name) => [name, placeholderOf(row, name)])) as Params)
  const shared = Object.fromEntries(sharedNames.map((name) => [name, sharedPlaceholderOf(name)])) as Shared
  const byPlaceholder = new Map<string, RowParameter & { name: string }>([
    ...rows.flatMap((_, row) => names.map((name) => [placeholderOf(row, name), { row, name }] as const)),
    ...sharedNames.map((name) => [sharedPlaceholderOf(name), { shared: name, name }] as const),
  ])
  const compiled = build(db, rows, shared).compile()
  markForPreparing(compiled.sql)
  const parameters = compiled.parameters.map((value): RowParameter => (typeof value === 'string' && byPlaceholder.get(value)) || { constant: value })
  const used = new Set(compiled.parameters.filter((value): value is string => typeof value === 'string' && byPlaceholder.has(value)))
  if (used.size !== byPlaceholder.size) throw new Error(`compiled query: ${unusedNames(byPlaceholder, used).join(', ')} not used as plain values`)
  return { compiled, parameters }
}

function unusedNames(byPlaceholder: ReadonlyMap<string, { name: string }>, used: ReadonlySet<string>): string[] {
  return [...new Set([...byPlaceholder].filter(([placeholder]) => !used.has(placeholder)).map(([, { name }]) => name))]
}
