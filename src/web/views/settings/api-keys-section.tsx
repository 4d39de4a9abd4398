// The API keys section of /settings: the new key (shown on this one answer only), the list, revoke, create.

import type { ApiKeyInfo } from '../../../service/api-keys.js'
import type { Viewer } from '../layout.js'
import { instantWords } from '../time-words.js'
import { draftOr, FormError, SettingsForm, type Refusal } from './settings-form.js'

export interface NewKey {
  key: string
  label: string | null
}

export interface ApiKeysSectionProps {
  viewer: Viewer
  keys: ApiKeyInfo[]
  refusal: Refusal | undefined
  newKey?: NewKey
}

export function ApiKeysSection({ viewer, keys, refusal, newKey }: ApiKeysSectionProps) {
  return (
    <section id="keys" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      {newKey && <NewKeyNotice newKey={newKey} />}
      <FormError refusal={refusal} form="revoke-key" />
      {keys.length === 0 ? <p class="muted">No API keys yet.</p> : <KeyTable viewer={viewer} keys={keys} />}

      <h3>Create a key</h3>
      <SettingsForm form="create-key" action="/settings/keys" viewer={viewer} refusal={refusal}>
        <label for="create-key-label">Label</label>
        <input id="create-key-label" name="label" maxLength={200} autocomplete="off" value={draftOr(refusal, 'create-key', 'label', '')} />
        <label class="check" for="create-key-admin">
          <input id="create-key-admin" type="checkbox" name="admin" value="1" /> Admin key: it may also change the workflow rules
        </label>
        <button type="submit">Create key</button>
      </SettingsForm>
    </section>
  )
}

/** The whole key, once: the server keeps only its hash, so this page is the only place it appears. */
function NewKeyNotice({ newKey }: { newKey: NewKey }) {
  return (
    <div class="notice" role="status">
      <p>
        <strong>New key{newKey.label ? ` “${newKey.label}”` : ''}: copy it now, it is not shown again.</strong>
      </p>
      <label for="new-key">API key</label>
      <input id="new-key" class="key" readonly value={newKey.key} size={48} autocomplete="off" spellcheck={false} />
    </div>
  )
}

function KeyTable({ viewer, keys }: { viewer: Viewer; keys: ApiKeyInfo[] }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Prefix</th>
            <th scope="col">Label</th>
            <th scope="col">Admin</th>
            <th scope="col">Created</th>
            <th scope="col">Revoked</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td dir="auto">{key.label ?? '–'}</td>
              <td>{key.admin ? 'yes' : 'no'}</td>
              <td>{instantWords(key.created_at)}</td>
              <td>
                {key.revoked_at === null ? (
                  <>
                    no <RevokeButton viewer={viewer} apiKey={key} />
                  </>
                ) : (
                  instantWords(key.revoked_at)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** A live key's Revoke button; its accessible name says which key it revokes. */
function RevokeButton({ viewer, apiKey }: { viewer: Viewer; apiKey: ApiKeyInfo }) {
  return (
    <form method="post" action="/settings/keys/revoke" class="inline">
      <input type="hidden" name="_csrf" value={viewer.csrfToken} />
      <input type="hidden" name="id" value={apiKey.id} />
      <button type="submit">
        Revoke<span class="visually-hidden"> key {apiKey.prefix}</span>
      </button>
    </form>
  )
}
