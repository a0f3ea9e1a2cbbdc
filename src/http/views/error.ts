import { html } from './html.ts'
import type { ErrorPage } from '../../core/model/pages.ts'
import { page, type PageFrame } from './layout.ts'

export type ErrorView = ErrorPage & PageFrame

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`

/** A wait as a person reads it: seconds under a minute, whole minutes (rounded up) beyond. */
function waitText(seconds: number): string {
  return seconds < 60 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute')
}

export function renderError({ title, message, code, retryAfterSeconds, basePath }: ErrorView): string {
  return page({
    basePath,
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>
${retryAfterSeconds !== undefined && html`<p>Wait ${waitText(retryAfterSeconds)} before you try again.</p>`}
${code !== undefined && html`<p class="error-code">Error code: ${code}</p>`}`,
  })
}
