// The Users section of /settings: the table, then add, change a role, deactivate, set a password.

import { MAX_PASSWORD_CODE_POINTS, MIN_PASSWORD_CODE_POINTS, ROLES } from '../../../domain/people.js'
import type { UserInfo } from '../../../service/users.js'
import type { Viewer } from '../layout.js'
import { draftOr, SettingsForm, type Refusal } from './settings-form.js'

export interface UsersSectionProps {
  viewer: Viewer
  users: UserInfo[]
  refusal: Refusal | undefined
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no')
const PASSWORD_HINT = `${MIN_PASSWORD_CODE_POINTS} to ${MAX_PASSWORD_CODE_POINTS} characters; the user's sessions end.`

export function UsersSection({ viewer, users, refusal }: UsersSectionProps) {
  const active = users.filter((user) => user.active)
  return (
    <section id="users" aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Active</th>
              <th scope="col">Can sign in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr>
                <td>{user.email}</td>
                <td dir="auto">{user.name ?? '–'}</td>
                <td>{user.role}</td>
                <td>{yesNo(user.active)}</td>
                <td>{yesNo(user.active && user.has_password)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Add a user</h3>
      <SettingsForm form="add-user" action="/settings/users" viewer={viewer} refusal={refusal}>
        <label for="add-user-email">Email</label>
        <input id="add-user-email" name="email" type="email" required maxLength={254} autocomplete="off" value={draftOr(refusal, 'add-user', 'email', '')} />
        <label for="add-user-name">Name</label>
        <input id="add-user-name" name="name" maxLength={200} autocomplete="off" value={draftOr(refusal, 'add-user', 'name', '')} />
        <RoleSelect id="add-user-role" selected={draftOr(refusal, 'add-user', 'role', 'agent')} />
        <label for="add-user-password">Password (optional)</label>
        <input id="add-user-password" name="password" type="password" minLength={MIN_PASSWORD_CODE_POINTS} autocomplete="new-password" aria-describedby="add-user-password-hint" />
        <p id="add-user-password-hint" class="muted">
          {MIN_PASSWORD_CODE_POINTS} to {MAX_PASSWORD_CODE_POINTS} characters. Without one, the user cannot sign in until an admin sets it.
        </p>
        <button type="submit">Add user</button>
      </SettingsForm>

      <h3>Change a role</h3>
      <SettingsForm form="set-role" action="/settings/users/role" viewer={viewer} refusal={refusal}>
        <UserSelect id="set-role-email" users={active} selected={draftOr(refusal, 'set-role', 'email', '')} />
        <RoleSelect id="set-role-role" selected={draftOr(refusal, 'set-role', 'role', 'agent')} />
        <button type="submit">Change role</button>
      </SettingsForm>

      <h3>Deactivate a user</h3>
      <SettingsForm form="deactivate" action="/settings/users/deactivate" viewer={viewer} refusal={refusal}>
        <UserSelect id="deactivate-email" users={active} selected={draftOr(refusal, 'deactivate', 'email', '')} />
        <p class="muted">The user's sessions end at once; their cases keep their history.</p>
        <button type="submit">Deactivate</button>
      </SettingsForm>

      <h3>Set a password</h3>
      <SettingsForm form="set-password" action="/settings/users/password" viewer={viewer} refusal={refusal}>
        <UserSelect id="set-password-email" users={active} selected={draftOr(refusal, 'set-password', 'email', '')} />
        <label for="set-password-password">New password</label>
        <input id="set-password-password" name="password" type="password" required minLength={MIN_PASSWORD_CODE_POINTS} autocomplete="new-password" aria-describedby="set-password-hint" />
        <p id="set-password-hint" class="muted">
          {PASSWORD_HINT}
        </p>
        <button type="submit">Set password</button>
      </SettingsForm>
    </section>
  )
}

function RoleSelect({ id, selected }: { id: string; selected: string }) {
  return (
    <>
      <label for={id}>Role</label>
      <select id={id} name="role">
        {ROLES.map((role) => (
          <option value={role} selected={role === selected}>
            {role}
          </option>
        ))}
      </select>
    </>
  )
}

function UserSelect({ id, users, selected }: { id: string; users: UserInfo[]; selected: string }) {
  return (
    <>
      <label for={id}>User</label>
      <select id={id} name="email" required>
        {users.map((user) => (
          <option value={user.email} selected={user.email === selected}>
            {user.name ? `${user.name} (${user.email})` : user.email}
          </option>
        ))}
      </select>
    </>
  )
}
