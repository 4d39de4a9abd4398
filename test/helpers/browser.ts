// Browser helpers for tests: Debian's Chromium through playwright-core (never a downloaded browser), and axe-core checks.

import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
]

/**
 * Why the browser tests skip on this machine, or false when they run. Under CI a missing browser is
 * not a reason: the tests run and fail in launchBrowser, as .ci/run should have installed it.
 */
export const BROWSER_SKIP: string | false =
  existsSync(CHROMIUM_PATH) || process.env.CI ? false : `no browser at ${CHROMIUM_PATH} (apt-get install chromium to run these)`

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no browser at ${CHROMIUM_PATH}: CI installs Debian's chromium in .ci/run`)
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/**
 * A context for accessibility checks only: the pages' CSP forbids inline scripts, and axe is
 * injected as one. Every other test uses a context that keeps the CSP, as a real browser does.
 */
export function newAxeContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ ...options, bypassCSP: true })
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}

let axeSource: string | undefined

/** Runs axe-core on the page as it is and returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.addScriptTag({ content: axeSource })
  const violations = await page.evaluate(async () => {
    type Axe = { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> }
    // Only violations are read, so axe skips building the (much larger) passes and incomplete lists.
    const result = await (window as unknown as { axe: Axe }).axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }))
  })
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

/** One line per violation and element, for an assertion's message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.impact} ${violation.id} (${violation.help}) at ${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`),
    )
    .join('\n')
}
