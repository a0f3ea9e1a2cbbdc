import { html } from './html.ts'
import type { LogoutConfirmPage } from '../../core/model/pages.ts'
import { type FormFrame, page, postForm, signedInAs } from './layout.ts'

export type LogoutConfirmView = LogoutConfirmPage & FormFrame

// OpenID Connect RP-Initiated Logout 1.0 §2: the person decides. Staying signed in comes first, as on the consent
// page: it is the first Tab stop and what a stray Enter does, since a link alone must not end a session.
export function renderLogoutConfirm({
  action,
  csrfToken,
  clientName,
  username,
  hiddenFields,
  basePath,
}: LogoutConfirmView): string {
  const content = html`<div class="actions">
<button type="submit" name="decision" value="stay" class="secondary">Stay signed in</button>
<button type="submit" name="decision" value="sign_out" class="primary">Sign out</button>
</div>`
  return page({
    basePath,
    title: 'Sign out of Keyward?',
    body: html`<h1>Sign out of Keyward?</h1>
<p>${clientName === undefined ? html`An application` : html`<span class="client-name">${clientName}</span>`} asks to sign you out of Keyward too. Applications you signed in to through Keyward may sign you out as well.</p>
${username !== '' && signedInAs(username)}
${postForm({ action, csrfToken, hiddenFields, content })}`,
  })
}
