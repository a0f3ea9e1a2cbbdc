import { html } from './html.ts'
import type { ConsentPage } from '../../core/model/pages.ts'
import { accessRequest, decisionButtons, type FormFrame, page, postForm, signedInAs } from './layout.ts'

export type ConsentView = ConsentPage & FormFrame

// Nothing is autofocused: a stray Enter must not grant access.
export function renderConsent({
  action,
  csrfToken,
  clientName,
  username,
  scopes,
  hiddenFields,
  redirectHost,
  switchAccount,
  basePath,
}: ConsentView): string {
  return page({
    basePath,
    title: `Allow ${clientName}?`,
    body: html`${accessRequest(clientName, scopes)}
${redirectHost !== undefined && html`<p class="destination">Afterwards you will be sent to <strong>${redirectHost}</strong>.</p>`}
${signedInAs(username)}
${switchAccount !== undefined && html`<p class="switch-account"><a href="${basePath ?? ''}${switchAccount}">Not you? Use another account</a></p>`}
${postForm({ action, csrfToken, hiddenFields, content: decisionButtons })}`,
  })
}
