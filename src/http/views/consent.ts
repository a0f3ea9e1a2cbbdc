import { html } from './html.ts'
import {
  accessRequest,
  decisionButtons,
  type HiddenFields,
  page,
  postForm,
  type Scope,
  signedInAs,
} from './layout.ts'

export interface ConsentView {
  readonly action: string
  readonly csrfToken: string
  readonly clientName: string
  readonly username: string
  readonly scopes: readonly Scope[]
  readonly hiddenFields: HiddenFields
}

// Nothing is autofocused: a stray Enter must not grant access.
export function renderConsent({
  action,
  csrfToken,
  clientName,
  username,
  scopes,
  hiddenFields,
}: ConsentView): string {
  return page({
    title: `Allow ${clientName}?`,
    body: html`${accessRequest(clientName, scopes)}
${signedInAs(username)}
${postForm({ action, csrfToken, hiddenFields, content: decisionButtons })}`,
  })
}
