import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'

const stylesheet = readFileSync(new URL('../../../src/http/assets/keyward.css', import.meta.url), 'utf8')

/** The custom properties set in a block of the stylesheet: `--name: #rrggbb`. */
function colours(block: string): Map<string, string> {
  return new Map([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})\b/g)].map((m) => [m[1] ?? '', m[2] ?? '']))
}

const darkStart = stylesheet.indexOf('@media (prefers-color-scheme: dark)')
const light = colours(stylesheet.slice(stylesheet.indexOf(':root'), darkStart))
const dark = new Map([
  ...light,
  ...colours(stylesheet.slice(darkStart, stylesheet.indexOf('}\n}', darkStart))),
])

/** WCAG 2.2 relative luminance of an sRGB colour. */
function luminance(hex: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5]
    .map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG 2.2 contrast ratio, from 1 to 21. */
function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (high + 0.05) / (low + 0.05)
}

describe('WCAG 2.2 SC 1.4.11: what outlines a control stands out 3:1 from what is around it', () => {
  for (const [scheme, palette] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    // A control sits on the card; its border (and an invalid or focused one) must be told from the card.
    for (const edge of ['control-border', 'alert-border', 'focus']) {
      test(`${scheme}: --${edge} against --card`, () => {
        const colour = palette.get(edge)
        const card = palette.get('card')
        assert.ok(colour && card, `both colours are set in the ${scheme} scheme`)
        const ratio = contrast(colour, card)
        assert.ok(ratio >= 3, `--${edge} ${colour} on --card ${card}: ${ratio.toFixed(2)}:1`)
      })
    }
  }

  test('inputs and secondary buttons are outlined with --control-border', () => {
    const rule = (selector: string) => {
      const start = stylesheet.indexOf(`${selector} {`)
      return stylesheet.slice(start, stylesheet.indexOf('}', start))
    }
    assert.match(rule("input[type='password']"), /border: 1px solid var\(--control-border\)/)
    assert.match(rule('button.secondary'), /border-color: var\(--control-border\)/)
  })
})
