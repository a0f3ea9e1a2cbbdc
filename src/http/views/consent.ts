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
  username,
  scopes,
  hiddenFields,
  basePath,
  resources,
}: ConsentView): string {
  return page({
    basePath,
    title: `Allow ${clientName}?`,
    body: html`${accessRequest(clientName, scopes)}
${resourceList(resources)}
${signedInAs(username)}
${postForm({ action, csrfToken, hiddenFields, content: decisionButtons })}`,
  })
}
