// The Insights page (SPEC §7): each figure as a server-drawn SVG chart followed by a table of the same numbers.

import type { ComponentChildren } from 'preact'
import { INSIGHT_DAYS } from '../../domain/insight-buckets.js'
import { PHASES } from '../../domain/status.js'
import type { AssigneeCount, DayCounts, Insights, TimingStats } from '../../service/insights.js'
import { PHASE_NAMES } from './board-page.js'
import { BarChart } from './charts/bar-chart.js'
import { FigureTable } from './charts/figure-table.js'
import { Layout, type Viewer } from './layout.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** More rows than this make the chart taller than a screen; the table still lists everyone. */
const CHART_ASSIGNEES = 20
const SUMMARY_ASSIGNEES = 10

export interface InsightsPageProps {
  viewer: Viewer
  insights: Insights
}

export function InsightsPage({ viewer, insights }: InsightsPageProps) {
  return (
    <Layout title="Insights" viewer={viewer} current="insights">
      <h1>Insights</h1>
      <p class="muted">Days are UTC days. Per-day figures and timings cover the last {INSIGHT_DAYS} days, today included.</p>
      <PhaseFigure counts={insights.counts} />
      <DaysFigure days={insights.days} />
      <TimingFigure id="follow-up" heading="Time to follow-up" done="followed up" stats={insights.followUp} />
      <TimingFigure id="close" heading="Time to close" done="closed" stats={insights.close} />
      <AssigneeFigure rows={insights.openPerAssignee} />
    </Layout>
  )
}

function Figure({ id, heading, children }: { id: string; heading: string; children: ComponentChildren }) {
  return (
    <section class="figure" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {children}
    </section>
  )
}

function PhaseFigure({ counts }: { counts: Insights['counts'] }) {
  const names = PHASES.map((phase) => PHASE_NAMES[phase])
  const values = PHASES.map((phase) => counts[phase])
  const summary = `Cases by phase: ${names.map((name, i) => `${name} ${values[i]}`).join(', ')}.`
  return (
    <Figure id="phases" heading="Cases by phase">
      <BarChart
        id="phases-chart"
        title="Cases by phase"
        summary={summary}
        categories={names}
        series={[{ name: 'Cases', values }]}
        categoryAxis="Phase"
        valueAxis="Cases"
      />
      <FigureTable
        caption="Cases by phase"
        headings={['Phase', 'Cases']}
        rows={names.map((name, i) => ({ label: name, cells: [values[i]] }))}
      />
    </Figure>
  )
}

function DaysFigure({ days }: { days: DayCounts[] }) {
  const opened = days.map((day) => day.opened)
  const closed = days.map((day) => day.closed)
  const title = `Cases opened and closed per day, last ${INSIGHT_DAYS} days`
  return (
    <Figure id="days" heading="Opened and closed per day">
      <BarChart
        id="days-chart"
        title={title}
        summary={daysSummary(days)}
        categories={days.map((day) => shortDay(day.day))}
        series={[{ name: 'Opened', values: opened }, { name: 'Closed', values: closed }]}
        categoryAxis="Day (UTC)"
        valueAxis="Cases"
        labelEvery={7}
      />
      <FigureTable
        caption={title}
        headings={['Day (UTC)', 'Opened', 'Closed']}
        rows={days.map((day) => ({ label: <time datetime={day.day}>{day.day}</time>, cells: [day.opened, day.closed] }))}
      />
    </Figure>
  )
}

function daysSummary(days: DayCounts[]): string {
  const sum = (key: 'opened' | 'closed') => days.reduce((total, day) => total + day[key], 0)
  const busiest = days.reduce((best, day) => (day.opened > best.opened ? day : best), days[0]!)
  const peak = busiest.opened > 0 ? ` Most opened on ${shortDay(busiest.day)}: ${busiest.opened}.` : ''
  return `Cases opened and closed per day over the last ${INSIGHT_DAYS} days: ${sum('opened')} opened and ${sum('closed')} closed in all.${peak}`
}

/** "1 Dec" from "2026-12-01". */
function shortDay(day: string): string {
  return `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]}`
}

function TimingFigure({ id, heading, done, stats }: { id: string; heading: string; done: string; stats: TimingStats }) {
  const scope = `the ${stats.count === 1 ? 'case' : `${stats.count} cases`} ${done} in the last ${INSIGHT_DAYS} days`
  if (stats.count === 0) {
    return (
      <Figure id={id} heading={heading}>
        <p>No case was {done} in the last {INSIGHT_DAYS} days.</p>
      </Figure>
    )
  }
  const bands = stats.bands.map((entry) => entry.band)
  const counts = stats.bands.map((entry) => entry.count)
  const spread = bands.map((band, i) => `${band}: ${counts[i]}`).join(', ')
  const distribution = `Distribution of ${heading.toLowerCase()}`
  const summary = `${heading} of ${scope}: median ${durationText(stats.median!)}, 90th percentile ${durationText(stats.p90!)}; ${spread}.`
  return (
    <Figure id={id} heading={heading}>
      <FigureTable
        caption={`${heading} of ${scope}`}
        headings={['Measure', heading]}
        rows={[
          { label: 'Median', cells: [<Duration seconds={stats.median!} />] },
          { label: '90th percentile', cells: [<Duration seconds={stats.p90!} />] },
        ]}
      />
      <BarChart
        id={`${id}-chart`}
        title={distribution}
        summary={summary}
        categories={bands}
        series={[{ name: 'Cases', values: counts }]}
        categoryAxis={heading}
        valueAxis="Cases"
      />
      <FigureTable
        caption={distribution}
        headings={[heading, 'Cases']}
        rows={bands.map((band, i) => ({ label: band, cells: [counts[i]] }))}
      />
    </Figure>
  )
}

function Duration({ seconds }: { seconds: number }) {
  return <time datetime={`PT${Math.round(seconds)}S`}>{durationText(seconds)}</time>
}

const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
] as const

/** "4 h", "1 d 2 h", "31 min 36 s": the two largest units, the smaller one truncated, a zero left out. */
function durationText(seconds: number): string {
  let rest = Math.round(seconds)
  const amounts = UNITS.map(([unit, size]) => {
    const amount = Math.floor(rest / size)
    rest -= amount * size
    return { unit, amount }
  })
  const first = amounts.findIndex((entry) => entry.amount > 0)
  if (first === -1) return '0 s'
  return amounts
    .slice(first, first + 2)
    .filter((entry) => entry.amount > 0)
    .map((entry) => `${entry.amount} ${entry.unit}`)
    .join(' ')
}

function AssigneeFigure({ rows }: { rows: AssigneeCount[] }) {
  if (rows.length === 0) {
    return (
      <Figure id="assignees" heading="Open cases per assignee">
        <p>No open cases.</p>
      </Figure>
    )
  }
  const names = rows.map((row) => row.assignee ?? 'Unassigned')
  const shown = rows.slice(0, CHART_ASSIGNEES)
  const title = rows.length > shown.length ? `Open cases per assignee (the ${shown.length} with the most)` : 'Open cases per assignee'
  const listed = names.slice(0, SUMMARY_ASSIGNEES).map((name, i) => `${name} ${rows[i]!.count}`)
  const more = rows.length > SUMMARY_ASSIGNEES ? `, and ${rows.length - SUMMARY_ASSIGNEES} more` : ''
  return (
    <Figure id="assignees" heading="Open cases per assignee">
      <BarChart
        id="assignees-chart"
        title={title}
        summary={`Open cases per assignee: ${listed.join(', ')}${more}.`}
        categories={names.slice(0, CHART_ASSIGNEES)}
        series={[{ name: 'Open cases', values: shown.map((row) => row.count) }]}
        categoryAxis="Assignee"
        valueAxis="Open cases"
        layout="rows"
      />
      <FigureTable
        caption="Open cases per assignee"
        headings={['Assignee', 'Open cases']}
        rows={rows.map((row, i) => ({ label: names[i], cells: [row.count] }))}
      />
    </Figure>
  )
}
