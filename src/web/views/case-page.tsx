// The case page (SPEC §7): the survey answer, the case's state and timings, the timeline, the form.

import { currentStatusValue, type CasePageData } from '../../service/case-page.js'
import type { HistoryEntryJson } from '../../service/case-view.js'
import { slaBadge } from '../../domain/sla.js'
import type { Phase } from '../../domain/status.js'
import { PHASE_NAMES } from './board-page.js'
import { Layout, type Viewer } from './layout.js'
import { durationWordsOrDash, instantWords } from './time-words.js'

export interface CasePageProps {
  viewer: Viewer
  data: CasePageData
  now: Date
  /** The refused save's message, shown next to the form, and its SPEC code (data-code, for scripts and tests). */
  error?: { message: string; code: number }
  /** After a 409: the entries written since the page the person saved from. */
  changedSince?: HistoryEntryJson[]
  /** What the person had typed, kept when a save is refused. */
  draft?: { status: string; assignedTo: string; comment: string }
}

export function CasePage(props: CasePageProps) {
  const cgid = props.data.record.number_customergauge
  return (
    <Layout title={`Case ${cgid}`} viewer={props.viewer} scripts={['live.js']}>
      <p>
        <a href="/board">← Board</a>
      </p>
      <h1>Case {cgid}</h1>
      <div class="case-layout">
        <SurveyAnswer data={props.data} />
        <CaseForm {...props} />
        <CaseLive data={props.data} now={props.now} />
      </div>
      <p id="live-status" class="notice" role="status" aria-live="polite"></p>
    </Layout>
  )
}

function SurveyAnswer({ data }: { data: CasePageData }) {
  const record = data.record
  const customer = [record.first_name, record.last_name].filter(Boolean).join(' ') || '–'
  return (
    <section aria-labelledby="survey-heading" class="survey">
      <h2 id="survey-heading">Survey answer</h2>
      <dl class="facts">
        <dt>NPS</dt>
        <dd>{record.nps ?? '–'}</dd>
        <dt>Comment</dt>
        <dd class="prewrap">{record.comment ?? '–'}</dd>
        <dt>Customer</dt>
        <dd>{customer}</dd>
        <dt>E-mail</dt>
        <dd>{record.email ?? '–'}</dd>
        <dt>Account</dt>
        <dd>{record.account ?? '–'}</dd>
        <dt>Date</dt>
        <dd>{record.date_creation ?? '–'}</dd>
      </dl>
    </section>
  )
}

/** The part the live refresh replaces: state, timings and timeline (never the form). */
export function CaseLive({ data, now }: { data: CasePageData; now: Date }) {
  const shown = data.case
  const sla =
    shown.status && shown.opened_at
      ? slaBadge({ phase: shown.status as Phase, openedAt: shown.opened_at, followedUpAt: shown.followed_up_at, closedAt: shown.closed_at }, data.targets, now)
      : null
  return (
    <div id="live-region" data-live-seq={String(data.seq)} data-version={String(data.version)}>
      <section aria-labelledby="state-heading">
        <h2 id="state-heading">State</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd>{shown.status === null ? 'No case yet' : statusWords(shown.status, shown.status_label)}</dd>
          <dt>Assigned to</dt>
          <dd>{shown.assigned_to ?? 'Unassigned'}</dd>
          <dt>Opened</dt>
          <dd>{instantWords(shown.opened_at)}</dd>
          <dt>Followed up</dt>
          <dd>{instantWords(shown.followed_up_at)}</dd>
          <dt>Closed</dt>
          <dd>{instantWords(shown.closed_at)}</dd>
          <dt>Time to follow-up</dt>
          <dd>{durationWordsOrDash(shown.time_to_follow_up_s)}</dd>
          <dt>Time to close</dt>
          <dd>{durationWordsOrDash(shown.time_to_close_s)}</dd>
          {sla && (
            <>
              <dt>SLA</dt>
              <dd>
                <span class={`badge sla-${sla.state}`}>{sla.text}</span>
              </dd>
            </>
          )}
        </dl>
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        {shown.history.length === 0 ? <p class="muted">No changes yet</p> : <Timeline entries={shown.history} actors={data.actorNames} />}
      </section>
    </div>
  )
}

/** A phase by its name on the board ("In progress"), an extended status by its own label. */
function statusWords(phase: string, label: string | null): string {
  return label === null || label === phase ? (PHASE_NAMES[phase as Phase] ?? phase) : label
}

export function Timeline({ entries, actors }: { entries: HistoryEntryJson[]; actors: Record<string, string> }) {
  return (
    <ol class="timeline">
      {entries.map((entry) => (
        <li>
          <p>
            {/* When it happened; a back-dated change also says when it was recorded (SPEC §9). */}
            <strong>{instantWords(entry.happened_at)}</strong>
            {entry.happened_at !== entry.at && <span class="muted"> (recorded {instantWords(entry.at)})</span>} ·{' '}
            {actors[entry.actor] ?? entry.actor}{' '}
            {actors[entry.actor] !== undefined && <span class="muted">({entry.actor})</span>}
          </p>
          <p>
            Status: {entry.status_from === null ? '–' : statusWords(entry.status_from, entry.status_label_from)} →{' '}
            {statusWords(entry.status_to, entry.status_label_to)}
          </p>
          <p>
            Assigned: {entry.assigned_from ?? 'unassigned'} → {entry.assigned_to ?? 'unassigned'}
          </p>
          {entry.comment !== null && <p class="prewrap comment">{entry.comment}</p>}
        </li>
      ))}
    </ol>
  )
}

function CaseForm({ viewer, data, error, changedSince, draft }: CasePageProps) {
  const cgid = data.record.number_customergauge
  const status = draft?.status ?? currentStatusValue(data.case)
  const assignedTo = (draft?.assignedTo ?? data.case.assigned_to ?? '').toLowerCase()
  return (
    <section aria-labelledby="form-heading" class="case-form">
      <h2 id="form-heading">Update</h2>
      {error && (
        <div class="error" role="alert" id="save-error" data-code={String(error.code)}>
          <p>{error.message}</p>
          {changedSince && changedSince.length > 0 && (
            <>
              <p>Changed since you opened the case:</p>
              <Timeline entries={changedSince} actors={data.actorNames} />
            </>
          )}
        </div>
      )}
      <form method="post" action={`/cases/${cgid}`} class="stacked" aria-describedby={error ? 'save-error' : undefined}>
        <input type="hidden" name="_csrf" value={viewer.csrfToken} />
        <input type="hidden" name="version" value={String(data.version)} />
        <label for="status">Status</label>
        <select id="status" name="status">
          {data.case.status === null && <option value="">No case yet (opens as Open)</option>}
          {data.statusChoices.map((choice) => (
            <option value={choice.value} selected={choice.value === status}>
              {choice.label}
            </option>
          ))}
        </select>
        <label for="assigned_to">Assigned to</label>
        <select id="assigned_to" name="assigned_to">
          <option value="" selected={assignedTo === ''}>
            Unassigned
          </option>
          {data.users.map((user) => (
            <option value={user.email} selected={user.email.toLowerCase() === assignedTo}>
              {user.name ? `${user.name} (${user.email})` : user.email}
            </option>
          ))}
        </select>
        <label for="comment">Comment</label>
        <textarea id="comment" name="comment" rows={5} maxLength={10000}>
          {draft?.comment ?? ''}
        </textarea>
        <button type="submit">Save</button>
      </form>
    </section>
  )
}
