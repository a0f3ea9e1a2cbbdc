import { existsSync } from 'node:fs'
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core'

// Debian's Chromium (CONTRIBUTING.md), never a downloaded browser.
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches the system Chromium; fails (never skips) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\``)
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}

export interface BrowserSession {
  readonly context: BrowserContext
  readonly page: Page
}

// Chromium logs a page's own HTTP error status (a 401 login page, say) like a failed load; the test reads that
// page's content instead. A favicon is fetched by the browser, not the page, so its 404 is no fault of the page.
const FAILED_LOAD = /^Failed to load resource: the server responded with a status of \d+/

interface Logged {
  readonly text: string
  /** For a failed load, the URL that failed. */
  readonly url: string
  readonly page: string
}

/**
 * Runs `work` in a fresh context (its own cookies and storage), then fails if any page logged an error or a
 * Content Security Policy violation, or threw. A violation is not observable from outside the page except as
 * the console message Chromium writes for it.
 */
export async function inNewContext<T>(
  browser: Browser,
  work: (session: BrowserSession) => Promise<T>,
  options: BrowserContextOptions = {},
): Promise<T> {
  const context = await browser.newContext(options)
  // Every page is local: anything slower than this is stuck, and should say so before the test's own timeout.
  context.setDefaultTimeout(10_000)
  const documents = new Set<string>()
  const logged: Logged[] = []
  context.on('request', (request) => {
    if (request.isNavigationRequest()) documents.add(request.url())
  })
  context.on('console', (message) => {
    if (message.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(message.text())) {
      logged.push({ text: message.text(), url: message.location().url, page: message.page()?.url() ?? '?' })
    }
  })
  context.on('weberror', (error) =>
    logged.push({ text: `uncaught: ${error.error().message}`, url: '', page: error.page()?.url() ?? '?' }),
  )
  const page = await context.newPage()
  try {
    const result = await work({ context, page }).catch(async (error: unknown) => {
      // Where the browser was says more than a timeout does (an error page, a login page shown again).
      const heading = await page
        .locator('h1')
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => null)
      throw new Error(`${String(error)}\n  the page was ${page.url()} (h1: ${heading})`, { cause: error })
    })
    const problems = logged.filter(
      ({ text, url }) =>
        !(FAILED_LOAD.test(text) && (documents.has(url) || URL.parse(url)?.pathname === '/favicon.ico')),
    )
    if (problems.length > 0) {
      throw new Error(
        `the pages reported problems:\n${problems.map((p) => `${p.page}: ${p.text}`).join('\n')}`,
      )
    }
    return result
  } finally {
    await context.close()
  }
}
