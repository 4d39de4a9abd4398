// Plain-text tables for people; --json output is printed as is.

export function table<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  if (rows.length === 0) return '(none)'
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])))
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)))
  const line = (values: readonly string[]): string => values.map((value, index) => value.padEnd(widths[index]!)).join('  ').trimEnd()
  return [line(columns), ...cells.map(line)].join('\n')
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-'
  return String(value)
}
