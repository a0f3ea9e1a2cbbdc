import { html } from './html.ts'
import type { ConsentPage } from '../../core/model/pages.ts'
import { accessRequest, decisionButtons, type FormFrame, page, postForm, signedInAs } from './layout.ts'
import { resourceList } from './resources.ts'

export type ConsentView = ConsentPage & FormFrame

// Nothing is autofocused: a stray Enter must not grant access.
export function renderConsent({
  action,
  csrfToken,
  clientName,
  clientDomain,
  username,
  scopes,
  hiddenFields,
  redirectHost,
  switchAccount,
  basePath,
  resources,
}: ConsentView): string {
  return page({
    basePath,
    title: `Allow ${clientName}?`,
    body: html`${clientDomain === undefined ? '' : unregisteredClient(clientDomain)}${accessRequest(clientName, scopes)}
${resourceList(resources)}
${redirectHost !== undefined && html`<p class="destination">Afterwards you will be sent to <strong>${redirectHost}</strong>.</p>`}
${signedInAs(username)}
${switchAccount !== undefined && html`<p class="switch-account"><a href="${basePath ?? ''}${withCsrfToken(switchAccount, csrfToken)}">Not you? Use another account</a></p>`}
${postForm({ action, csrfToken, hiddenFields, content: decisionButtons })}`,
  })
}

/** The "Not you?" link with this browser's CSRF token, which GET /login requires as the forms do (pages.ts). */
function withCsrfToken(link: string, csrfToken: string): string {
  return `${link}${link.includes('?') ? '&' : '?'}${new URLSearchParams({ csrf_token: csrfToken })}`
}

/** A client that named itself by its metadata document: its domain first, and that nobody here vouched for it. */
function unregisteredClient(domain: string) {
  return html`<p class="client-domain">${domain}</p>
<p class="warning"><strong>This application was not registered by the operator of this server.</strong> It identifies itself as ${domain}: continue only if you trust that site.</p>
`
}
