// The frame of every board page: head, skip link, navigation, the signed-in person and Sign out.

import type { ComponentChildren } from 'preact'

export interface Viewer {
  email: string
  name: string | null
  role: string
  workspace: string
  csrfToken: string
}

export interface LayoutProps {
  title: string
  viewer: Viewer | null
  /** Which navigation entry is the current page. */
  current?: 'board' | 'insights' | 'settings'
  /** Scripts of this page, served from /assets. */
  scripts?: string[]
  children: ComponentChildren
}

export function Layout({ title, viewer, current, scripts = [], children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Firehouse`}</title>
        <link rel="stylesheet" href="/assets/board.css" />
        {scripts.map((src) => (
          <script src={`/assets/${src}`} defer />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <span class="brand">Firehouse</span>
          {viewer && <Navigation viewer={viewer} current={current} />}
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
      </body>
    </html>
  )
}

function Navigation({ viewer, current }: { viewer: Viewer; current: LayoutProps['current'] }) {
  const link = (href: string, label: string, name: LayoutProps['current']) => (
    <li>
      <a href={href} aria-current={current === name ? 'page' : undefined}>
        {label}
      </a>
    </li>
  )
  return (
    <nav aria-label="Main" class="site-nav">
      <ul>
        {link('/board', 'Board', 'board')}
        {link('/insights', 'Insights', 'insights')}
        {viewer.role === 'admin' && link('/settings', 'Settings', 'settings')}
      </ul>
      <span class="viewer">
        {viewer.name ?? viewer.email} <span class="muted">({viewer.workspace}, {viewer.role})</span>
      </span>
      <form method="post" action="/logout" class="inline">
        <input type="hidden" name="_csrf" value={viewer.csrfToken} />
        <button type="submit">Sign out</button>
      </form>
    </nav>
  )
}
