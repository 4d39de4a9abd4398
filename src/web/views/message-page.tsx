// A page that only says something: not found, forbidden, an error with its request id.

import { Layout, type Viewer } from './layout.js'

export function MessagePage({ title, message, viewer }: { title: string; message: string; viewer: Viewer | null }) {
  return (
    <Layout title={title} viewer={viewer}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/board">Back to the board</a>
      </p>
    </Layout>
  )
}
