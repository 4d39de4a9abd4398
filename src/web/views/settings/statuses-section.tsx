// The Extended statuses section of /settings: on or off, the table, and its replacement as CSV rows.

import { MAX_STATUS_CODE, MIN_STATUS_CODE, PHASES, type ExtendedStatus } from '../../../domain/status.js'
import { statusTableText } from '../../../service/settings.js'
import type { Viewer } from '../layout.js'
import { draftOr, SettingsForm, type Refusal } from './settings-form.js'

export interface StatusesSectionProps {
  viewer: Viewer
  statuses: ExtendedStatus[]
  enabled: boolean
  refusal: Refusal | undefined
}

export function StatusesSection({ viewer, statuses, enabled, refusal }: StatusesSectionProps) {
  return (
    <section id="statuses" aria-labelledby="statuses-heading">
      <h2 id="statuses-heading">Extended statuses</h2>
      <p>
        The extended status set is <strong>{enabled ? 'on' : 'off'}</strong>.{' '}
        {enabled ? 'Calls and the board use the codes below; the standard words still work.' : 'Only the standard statuses (open, in progress, closed) are used.'}
      </p>
      <SettingsForm form="statuses-enabled" action="/settings/statuses/enabled" viewer={viewer} refusal={refusal}>
        <input type="hidden" name="enabled" value={enabled ? '0' : '1'} />
        <button type="submit">{enabled ? 'Switch the extended set off' : 'Switch the extended set on'}</button>
      </SettingsForm>

      <h3>Table</h3>
      {statuses.length === 0 ? <p class="muted">No extended statuses yet.</p> : <StatusTable statuses={statuses} />}

      <h3>Replace the table</h3>
      <SettingsForm form="statuses-table" action="/settings/statuses" viewer={viewer} refusal={refusal}>
        <label for="statuses-table-rows">Rows: code,label,phase</label>
        <textarea id="statuses-table-rows" name="table" rows={8} spellcheck={false} aria-describedby="statuses-table-hint">
          {draftOr(refusal, 'statuses-table', 'table', statusTableText(statuses))}
        </textarea>
        <p id="statuses-table-hint" class="muted">
          One status per line: a code from {MIN_STATUS_CODE} to {MAX_STATUS_CODE}, a label, and one of {PHASES.join(', ')}. The header line is
          optional. Saving replaces the whole table.
        </p>
        <button type="submit">Replace the table</button>
      </SettingsForm>
    </section>
  )
}

function StatusTable({ statuses }: { statuses: ExtendedStatus[] }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Label</th>
            <th scope="col">Phase</th>
          </tr>
        </thead>
        <tbody>
          {statuses.map((status) => (
            <tr>
              <td>{status.code}</td>
              <td dir="auto">{status.label}</td>
              <td>{status.phase}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
