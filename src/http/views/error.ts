import { html } from './html.ts'
import { page } from './layout.ts'

export interface ErrorView {
  readonly title: string
  readonly message: string
  /** The error code (e.g. invalid_request), shown small so a person can quote it to support. */
  readonly status?: string
}

export function renderError({ title, message, status }: ErrorView): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>
${status !== undefined && html`<p class="error-code">Error code: ${status}</p>`}`,
  })
}
