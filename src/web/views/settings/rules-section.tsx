// The workflow rules section of /settings (SPEC §9): how cases may move, and which imported records open one.

import type { WorkflowRules } from '../../../domain/workflow-rules.js'
import type { Viewer } from '../layout.js'
import { draftOr, SettingsForm, type Refusal } from './settings-form.js'

export interface RulesSectionProps {
  viewer: Viewer
  rules: WorkflowRules
  refusal: Refusal | undefined
}

const SWITCHES = [
  { name: 'progressive', label: 'Progressive: a case goes OPEN → PROGRESS → CLOSED without skipping PROGRESS', on: (r: WorkflowRules) => r.progressive },
  { name: 'comment_on_status_change', label: 'A status change needs a comment', on: (r: WorkflowRules) => r.commentOnStatusChange },
  { name: 'comment_on_reassign', label: 'A change of assignee needs a comment', on: (r: WorkflowRules) => r.commentOnReassign },
] as const

export function RulesSection({ viewer, rules, refusal }: RulesSectionProps) {
  const refused = refusal?.form === 'rules'
  // A refused form shows what was typed: an unticked box is absent from the draft.
  const checked = (name: string, stored: boolean) => (refused ? refusal.draft[name] === '1' : stored)
  const nps = (value: number | null) => (value === null ? '' : String(value))
  return (
    <section id="rules" aria-labelledby="rules-heading">
      <h2 id="rules-heading">Workflow rules</h2>
      <p>They apply to every change, from every surface: the board, the v4.1 API, imports.</p>
      <SettingsForm form="rules" action="/settings/rules" viewer={viewer} refusal={refusal}>
        {SWITCHES.map((rule) => (
          <label class="check" for={`rules-${rule.name}`}>
            <input id={`rules-${rule.name}`} type="checkbox" name={rule.name} value="1" checked={checked(rule.name, rule.on(rules))} /> {rule.label}
          </label>
        ))}
        <fieldset>
          <legend>Imports open a case when the NPS is in this range (leave both empty for none)</legend>
          <label for="rules-nps-min">From NPS</label>
          <input id="rules-nps-min" name="nps_min" type="number" inputMode="numeric" min={0} max={10} step={1} value={draftOr(refusal, 'rules', 'nps_min', nps(rules.autoOpen.npsMin))} />
          <label for="rules-nps-max">to NPS</label>
          <input id="rules-nps-max" name="nps_max" type="number" inputMode="numeric" min={0} max={10} step={1} value={draftOr(refusal, 'rules', 'nps_max', nps(rules.autoOpen.npsMax))} />
        </fieldset>
        <label for="rules-field">…or when this record field is true (true, 1 or yes; empty for none)</label>
        <input id="rules-field" name="field" maxLength={100} autocomplete="off" value={draftOr(refusal, 'rules', 'field', rules.autoOpen.field ?? '')} />
        <button type="submit">Save workflow rules</button>
      </SettingsForm>
    </section>
  )
}
