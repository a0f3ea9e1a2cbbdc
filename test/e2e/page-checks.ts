import assert from 'node:assert/strict'
import type { Locator, Page } from 'playwright-core'

// Roles a person operates; each needs a name a screen reader can announce (WCAG 2.2 SC 4.1.2).
const CONTROL_ROLES = new Set([
  'button',
  'checkbox',
  'combobox',
  'link',
  'listbox',
  'radio',
  'searchbox',
  'slider',
  'spinbutton',
  'switch',
  'textbox',
])

interface AxNode {
  readonly ignored: boolean
  readonly role?: { readonly value?: unknown }
  readonly name?: { readonly value?: unknown }
}

/** Controls without an accessible name, as Chromium's own accessibility tree computes names. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: readonly AxNode[] }
    return nodes
      .filter((node) => !node.ignored && CONTROL_ROLES.has(String(node.role?.value)))
      .filter((node) => String(node.name?.value ?? '').trim() === '')
      .map((node) => String(node.role?.value))
  } finally {
    await cdp.detach()
  }
}

/** A quick accessibility check: named controls, one h1, a document language, no positive tabindex. */
export async function assertAccessible(page: Page): Promise<void> {
  const where = page.url()
  assert.deepEqual(await unnamedControls(page), [], `controls without an accessible name on ${where}`)
  assert.equal(await page.locator('h1').count(), 1, `exactly one h1 on ${where}`)
  assert.notEqual((await page.locator('html').getAttribute('lang')) ?? '', '', `a lang attribute on ${where}`)
  // A positive tabindex jumps the Tab order away from the reading order (WCAG 2.2 SC 2.4.3).
  const positive = await page
    .locator('[tabindex]')
    .evaluateAll((elements) =>
      elements.filter((element) => (element as HTMLElement).tabIndex > 0).map((element) => element.outerHTML),
    )
  assert.deepEqual(positive, [], `elements with tabindex > 0 on ${where}`)
}

export const PHONE = { width: 390, height: 844 } as const

/** At a phone's width nothing scrolls sideways and `button` lies wholly within the width of the screen. */
export async function assertFitsPhone(page: Page, button: Locator): Promise<void> {
  const where = page.url()
  const viewport = page.viewportSize()
  assert.equal(viewport?.width, PHONE.width, 'the page is at a phone width')
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(scrollWidth <= PHONE.width, `no horizontal scroll on ${where} (scrollWidth ${scrollWidth})`)
  assert.ok(await button.isVisible(), `the button is visible on ${where}`)
  const box = await button.boundingBox()
  assert.ok(
    box !== null && box.x >= 0 && box.x + box.width <= PHONE.width,
    `the button lies within the screen's width on ${where}: ${JSON.stringify(box)}`,
  )
}
