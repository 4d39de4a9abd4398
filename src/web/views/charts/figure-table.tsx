// A chart's text equivalent: the same figures as a captioned table, scrolling sideways on a narrow screen.

import type { ComponentChildren } from 'preact'

export interface FigureRow {
  /** The row's heading cell (the chart's category). */
  label: ComponentChildren
  cells: readonly ComponentChildren[]
}

export interface FigureTableProps {
  caption: string
  /** Column headings, the row headings' column first. */
  headings: readonly string[]
  rows: readonly FigureRow[]
}

export function FigureTable({ caption, headings, rows }: FigureTableProps) {
  // A scrolling region must be reachable by keyboard to be scrolled without a mouse.
  return (
    <div class="table-scroll" role="region" aria-label={caption} tabindex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {headings.map((heading) => (
              <th scope="col">{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row">{row.label}</th>
              {row.cells.map((cell) => (
                <td>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
