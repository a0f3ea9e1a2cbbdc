import { html } from './html.ts'
import type { ErrorPage } from '../../core/model/pages.ts'
import { page, type PageFrame } from './layout.ts'

export type ErrorView = ErrorPage & PageFrame

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`

/** A wait as a person reads it: seconds under a minute, whole minutes (rounded up) beyond. */
function waitText(seconds: number): string {
  return seconds < 60 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute')
}

/**
 * An error page is never a dead end: it offers the application's site when known, and the person's account page
 * (which signs them in first when needed). A page cannot go back in history without script, which the CSP forbids.
 */
export function renderError({
  title,
  message,
  code,
  retryAfterSeconds,
  advice,
  appHome,
  basePath,
}: ErrorView): string {
  return page({
    basePath,
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>
${advice !== undefined && html`<p>${advice}</p>`}
${retryAfterSeconds !== undefined && html`<p>Wait ${waitText(retryAfterSeconds)} before you try again.</p>`}
<ul class="ways-on">
${appHome !== undefined && html`<li><a href="${appHome.url}">Return to <span class="client-name">${appHome.name}</span></a></li>`}
<li><a href="${basePath ?? ''}/account">Go to your account</a></li>
</ul>
${code !== undefined && html`<p class="error-code">Error code: ${code}</p>`}`,
  })
}
