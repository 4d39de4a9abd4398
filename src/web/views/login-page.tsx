// The sign-in form (SPEC §7): Workspace, Email, Password, Sign in; one message for every failure.

import { Layout } from './layout.js'

export interface LoginPageProps {
  workspace: string
  email: string
  next: string
  error?: string
}

export function LoginPage({ workspace, email, next, error }: LoginPageProps) {
  return (
    <Layout title="Sign in" viewer={null}>
      <section class="login">
        <h1>Sign in</h1>
        {error && (
          <p class="error" role="alert" id="login-error">
            {error}
          </p>
        )}
        <form method="post" action="/login" class="stacked" aria-describedby={error ? 'login-error' : undefined}>
          <input type="hidden" name="next" value={next} />
          <label for="workspace">Workspace</label>
          <input id="workspace" name="workspace" type="text" required autocomplete="organization" value={workspace} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" required autocomplete="username" value={email} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" required autocomplete="current-password" />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  )
}
