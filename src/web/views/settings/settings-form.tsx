// One form of /settings: its CSRF field, and the refusal's message (role="alert") right above it.

import type { ComponentChildren } from 'preact'
import type { Viewer } from '../layout.js'

/** Every form of the page and the section it sits in (the redirect's anchor, the notice's words). */
export const SETTINGS_FORMS = {
  'add-user': { section: 'users', saved: 'The user was added.' },
  'set-role': { section: 'users', saved: 'The role was changed.' },
  deactivate: { section: 'users', saved: 'The user was deactivated; their sessions have ended.' },
  'set-password': { section: 'users', saved: 'The password was set; the user’s sessions have ended.' },
  'create-key': { section: 'keys', saved: 'The key was created.' },
  'revoke-key': { section: 'keys', saved: 'The key was revoked.' },
  'statuses-enabled': { section: 'statuses', saved: 'The extended status set was switched.' },
  'statuses-table': { section: 'statuses', saved: 'The status table was replaced.' },
  sla: { section: 'sla', saved: 'The SLA targets were saved.' },
  rules: { section: 'rules', saved: 'The workflow rules were saved.' },
} as const

export type SettingsFormId = keyof typeof SETTINGS_FORMS

export function isSettingsFormId(value: unknown): value is SettingsFormId {
  return typeof value === 'string' && Object.hasOwn(SETTINGS_FORMS, value)
}

/** A refused form: its message, and what was typed (never a password), to show it again. */
export interface Refusal {
  form: SettingsFormId
  /** The SPEC code, on the alert as data-code for scripts and tests (the words may be refined, the code not). */
  code: number
  message: string
  draft: Record<string, string>
}

/** What the admin typed in this form when it was refused, else the stored value. */
export function draftOr(refusal: Refusal | undefined, form: SettingsFormId, field: string, stored: string): string {
  return refusal?.form === form ? (refusal.draft[field] ?? stored) : stored
}

export function FormError({ refusal, form }: { refusal: Refusal | undefined; form: SettingsFormId }) {
  if (refusal?.form !== form) return null
  return (
    <div class="error" role="alert" id={`${form}-error`} data-code={String(refusal.code)}>
      <p>{refusal.message}</p>
    </div>
  )
}

export interface SettingsFormProps {
  form: SettingsFormId
  action: string
  viewer: Viewer
  refusal: Refusal | undefined
  children: ComponentChildren
}

export function SettingsForm({ form, action, viewer, refusal, children }: SettingsFormProps) {
  const refused = refusal?.form === form
  return (
    <>
      <FormError refusal={refusal} form={form} />
      <form method="post" action={action} class="stacked" aria-describedby={refused ? `${form}-error` : undefined}>
        <input type="hidden" name="_csrf" value={viewer.csrfToken} />
        {children}
      </form>
    </>
  )
}
