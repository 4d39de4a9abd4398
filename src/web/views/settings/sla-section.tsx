// The SLA targets section of /settings: the hours the board's badges measure against.

import { durationWords, type SlaTargets } from '../../../domain/sla.js'
import type { Viewer } from '../layout.js'
import { draftOr, SettingsForm, type Refusal } from './settings-form.js'

export interface SlaSectionProps {
  viewer: Viewer
  sla: SlaTargets
  refusal: Refusal | undefined
}

const HOUR_MS = 3_600_000
/** The most setSlaTargets takes: a year (366 days), in hours. */
const MAX_HOURS = 24 * 366

export function SlaSection({ viewer, sla, refusal }: SlaSectionProps) {
  return (
    <section id="sla" aria-labelledby="sla-heading">
      <h2 id="sla-heading">SLA targets</h2>
      <p>
        Follow up within <strong>{durationWords(sla.followUpHours * HOUR_MS)}</strong>, close within{' '}
        <strong>{durationWords(sla.closeHours * HOUR_MS)}</strong> of a case opening.
      </p>
      <SettingsForm form="sla" action="/settings/sla" viewer={viewer} refusal={refusal}>
        <label for="sla-follow-up">Follow up within (hours)</label>
        <input id="sla-follow-up" name="follow_up_hours" type="number" inputMode="numeric" min={1} max={MAX_HOURS} step={1} required value={draftOr(refusal, 'sla', 'follow_up_hours', String(sla.followUpHours))} />
        <label for="sla-close">Close within (hours)</label>
        <input id="sla-close" name="close_hours" type="number" inputMode="numeric" min={1} max={MAX_HOURS} step={1} required value={draftOr(refusal, 'sla', 'close_hours', String(sla.closeHours))} />
        <button type="submit">Save SLA targets</button>
      </SettingsForm>
    </section>
  )
}
