/** The one escaping function: safe in text and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

// A symbol key cannot come from parsed JSON or a form, so no outside value can pass for markup.
const markup = Symbol('keyward.safeHtml')

/** Markup that is already safe to insert; made only by `html` and `raw`. */
export interface SafeHtml {
  readonly [markup]: string
}

/** false, null and undefined render nothing, so `${error && html`...`}` reads naturally. */
export type Interpolation = string | number | SafeHtml | readonly Interpolation[] | false | null | undefined

/** Marks a fragment as already safe. Only for markup built by this module's callers from constants. */
export function raw(fragment: string): SafeHtml {
  return { [markup]: fragment }
}

function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && markup in value
}

function render(value: Interpolation): string {
  if (value === false || value === null || value === undefined) return ''
  if (typeof value === 'string') return escapeHtml(value)
  if (typeof value === 'number') return escapeHtml(String(value))
  if (isSafeHtml(value)) return value[markup]
  return value.map(render).join('')
}

/** Tagged template: every interpolation is escaped unless it is SafeHtml (from `html` or `raw`). */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): SafeHtml {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '')
  })
  return raw(out)
}

/** The markup inside a SafeHtml, for the final string a view returns. */
export function htmlString(fragment: SafeHtml): string {
  return fragment[markup]
}
