import { html } from './html.ts'
import { page } from './layout.ts'

export interface ErrorView {
  readonly title: string
  readonly message: string
  /** The error code (e.g. invalid_request), shown small so a person can quote it to support. */
  readonly status?: string
  /** How long the person must wait before trying again (a 429's Retry-After), in seconds. */
  readonly retryAfterSeconds?: number
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`

/** A wait as a person reads it: seconds under a minute, whole minutes (rounded up) beyond. */
function waitText(seconds: number): string {
  return seconds < 60 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute')
}

export function renderError({ title, message, status, retryAfterSeconds }: ErrorView): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>
${retryAfterSeconds !== undefined && html`<p>Wait ${waitText(retryAfterSeconds)} before you try again.</p>`}
${status !== undefined && html`<p class="error-code">Error code: ${status}</p>`}`,
  })
}
