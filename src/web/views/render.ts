// Renders a page component to the HTML document sent to the browser; Preact escapes every value.

import type { VNode } from 'preact'
import { render } from 'preact-render-to-string'

export function renderDocument(page: VNode): string {
  return `<!doctype html>${render(page)}`
}

/** A part of a page (the board's columns), for the live refresh to swap in. */
export function renderFragment(part: VNode): string {
  return render(part)
}
