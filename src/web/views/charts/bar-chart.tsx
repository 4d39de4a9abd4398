// A bar chart drawn on the server as SVG: a title, labelled axes, and a legend when there are several series.

import { valueTicks } from './value-axis.js'

export interface BarSeries {
  name: string
  /** One value per category, in the categories' order. */
  values: readonly number[]
}

export interface BarChartProps {
  /** Unique on the page: names the chart's hatch pattern. */
  id: string
  title: string
  /** The chart's figures in a sentence: its accessible name (the SVG's parts are not read out). */
  summary: string
  categories: readonly string[]
  series: readonly BarSeries[]
  categoryAxis: string
  valueAxis: string
  /** columns: categories along the bottom; rows: down the side, for long labels. */
  layout?: 'columns' | 'rows'
  /** Label every nth category only, counted back from the last (a month of days does not fit). */
  labelEvery?: number
}

interface Box {
  x: number
  y: number
  w: number
  h: number
}

const WIDTH = 480
const COLUMNS_HEIGHT = 260
const ROW_BAND = 26
/** A generous average width of a 12 px label character: a label that does not fit is cut off. */
const CHAR_WIDTH = 7.5
const MAX_ROW_LABEL = 26

export function BarChart(props: BarChartProps) {
  const { width, height, plot } = frameOf(props)
  const ticks = valueTicks(Math.max(0, ...props.series.flatMap((series) => series.values)))
  return (
    <svg class="chart" role="img" aria-label={props.summary} viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
      <title>{props.title}</title>
      {props.series.length > 1 && (
        <defs>
          {/* The second series is hatched as well as coloured: colour is never the only difference. */}
          <pattern id={`${props.id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect class="hatch-ground" width="6" height="6" />
            <rect class="hatch-line" width="3" height="6" />
          </pattern>
        </defs>
      )}
      <ValueAxis props={props} plot={plot} ticks={ticks} height={height} />
      <Bars props={props} plot={plot} top={ticks[ticks.length - 1]!} />
      <CategoryLabels props={props} plot={plot} height={height} />
      {props.series.length > 1 && <Legend props={props} plot={plot} />}
    </svg>
  )
}

/** Series alternate between solid and hatched bars (the page draws two at most). */
function seriesLook(props: BarChartProps, s: number): { class: string; fill?: string } {
  return s % 2 === 0 ? { class: 'bar bar-0' } : { class: 'bar bar-1', fill: `url(#${props.id}-hatch)` }
}

function isRows(props: BarChartProps): boolean {
  return props.layout === 'rows'
}

/** The SVG's size and the plot area inside it, leaving room for labels, axis titles and the legend. */
function frameOf(props: BarChartProps): { width: number; height: number; plot: Box } {
  const top = props.series.length > 1 ? 36 : 16
  if (!isRows(props)) {
    return { width: WIDTH, height: COLUMNS_HEIGHT, plot: { x: 56, y: top, w: WIDTH - 80, h: COLUMNS_HEIGHT - top - 52 } }
  }
  const longest = Math.max(4, ...props.categories.map((label) => shortened(label).length))
  const left = Math.min(220, 16 + longest * CHAR_WIDTH)
  const h = Math.max(1, props.categories.length) * ROW_BAND * props.series.length
  return { width: WIDTH, height: top + h + 48, plot: { x: left, y: top, w: WIDTH - left - 16, h } }
}

function shortened(label: string): string {
  return label.length > MAX_ROW_LABEL ? `${label.slice(0, MAX_ROW_LABEL - 1)}…` : label
}

function ValueAxis({ props, plot, ticks, height }: { props: BarChartProps; plot: Box; ticks: number[]; height: number }) {
  const top = ticks[ticks.length - 1]!
  const rows = isRows(props)
  return (
    <g class="value-axis">
      {ticks.map((tick) => {
        const at = rows ? plot.x + (tick / top) * plot.w : plot.y + plot.h - (tick / top) * plot.h
        return rows ? (
          <g>
            <line class="grid" x1={at} x2={at} y1={plot.y} y2={plot.y + plot.h} />
            <text x={at} y={plot.y + plot.h + 16} text-anchor="middle">{tick}</text>
          </g>
        ) : (
          <g>
            <line class="grid" x1={plot.x} x2={plot.x + plot.w} y1={at} y2={at} />
            <text x={plot.x - 6} y={at + 4} text-anchor="end">{tick}</text>
          </g>
        )
      })}
      {rows ? (
        <text class="axis-title" x={plot.x + plot.w / 2} y={height - 8} text-anchor="middle">{props.valueAxis}</text>
      ) : (
        <text class="axis-title" x={14} y={plot.y + plot.h / 2} text-anchor="middle" transform={`rotate(-90 14 ${plot.y + plot.h / 2})`}>
          {props.valueAxis}
        </text>
      )}
    </g>
  )
}

/** One bar per category and series, with its figure as a tooltip. */
function Bars({ props, plot, top }: { props: BarChartProps; plot: Box; top: number }) {
  const rows = isRows(props)
  const band = (rows ? plot.h : plot.w) / Math.max(1, props.categories.length)
  const thickness = (band * 0.7) / props.series.length
  return (
    <g class="bars">
      {props.series.flatMap((series, s) =>
        props.categories.map((category, i) => {
          const value = series.values[i] ?? 0
          const offset = i * band + band * 0.15 + s * thickness
          const length = (value / top) * (rows ? plot.w : plot.h)
          const box = rows
            ? { x: plot.x, y: plot.y + offset, width: length, height: thickness }
            : { x: plot.x + offset, y: plot.y + plot.h - length, width: thickness, height: length }
          return (
            <rect {...box} {...seriesLook(props, s)}>
              <title>{`${category}: ${value} ${series.name.toLowerCase()}`}</title>
            </rect>
          )
        }),
      )}
      <line class="axis" x1={plot.x} y1={plot.y + plot.h} x2={rows ? plot.x : plot.x + plot.w} y2={rows ? plot.y : plot.y + plot.h} />
    </g>
  )
}

function CategoryLabels({ props, plot, height }: { props: BarChartProps; plot: Box; height: number }) {
  const count = props.categories.length
  const every = props.labelEvery ?? 1
  const band = (isRows(props) ? plot.h : plot.w) / Math.max(1, count)
  return (
    <g class="category-axis">
      {props.categories.map((category, i) => {
        if ((count - 1 - i) % every !== 0) return null
        const middle = i * band + band / 2
        return isRows(props) ? (
          <text x={plot.x - 6} y={plot.y + middle + 4} text-anchor="end">{shortened(category)}</text>
        ) : (
          <text x={plot.x + middle} y={plot.y + plot.h + 16} text-anchor="middle">{category}</text>
        )
      })}
      {isRows(props) ? (
        <text class="axis-title" x={4} y={plot.y - 4}>{props.categoryAxis}</text>
      ) : (
        <text class="axis-title" x={plot.x + plot.w / 2} y={height - 8} text-anchor="middle">{props.categoryAxis}</text>
      )}
    </g>
  )
}

function Legend({ props, plot }: { props: BarChartProps; plot: Box }) {
  return (
    <g class="legend">
      {props.series.map((series, s) => (
        <g>
          <rect x={plot.x + s * 120} y={8} width={12} height={12} {...seriesLook(props, s)} />
          <text x={plot.x + s * 120 + 18} y={18}>{series.name}</text>
        </g>
      ))}
    </g>
  )
}
