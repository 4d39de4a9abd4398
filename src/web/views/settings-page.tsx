// /settings (SPEC §7, admins only): users, API keys, the extended status table, the SLA targets and the workflow rules.

import type { SettingsData } from '../../service/settings.js'
import { Layout, type Viewer } from './layout.js'
import { ApiKeysSection, type NewKey } from './settings/api-keys-section.js'
import type { Refusal } from './settings/settings-form.js'
import { RulesSection } from './settings/rules-section.js'
import { SlaSection } from './settings/sla-section.js'
import { StatusesSection } from './settings/statuses-section.js'
import { UsersSection } from './settings/users-section.js'

export interface SettingsPageProps {
  viewer: Viewer
  data: SettingsData
  /** A refused form: its message is shown above it, and what was typed is kept. */
  refusal?: Refusal
  /** A key created by this request: the only answer that ever shows it. */
  newKey?: NewKey
  /** What the last saved form did (after its redirect). */
  notice?: string
}

export function SettingsPage({ viewer, data, refusal, newKey, notice }: SettingsPageProps) {
  return (
    <Layout title="Settings" viewer={viewer} current="settings">
      <h1>Settings</h1>
      <nav aria-label="Settings sections">
        <ul>
          <li><a href="#users">Users</a></li>
          <li><a href="#keys">API keys</a></li>
          <li><a href="#statuses">Extended statuses</a></li>
          <li><a href="#sla">SLA targets</a></li>
          <li><a href="#rules">Workflow rules</a></li>
        </ul>
      </nav>
      <p class="notice" role="status">
        {notice ?? ''}
      </p>
      <UsersSection viewer={viewer} users={data.users} refusal={refusal} />
      <ApiKeysSection viewer={viewer} keys={data.keys} refusal={refusal} newKey={newKey} />
      <StatusesSection viewer={viewer} statuses={data.statuses} enabled={data.extendedEnabled} refusal={refusal} />
      <SlaSection viewer={viewer} sla={data.sla} refusal={refusal} />
      <RulesSection viewer={viewer} rules={data.rules} refusal={refusal} />
    </Layout>
  )
}
