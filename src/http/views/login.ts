import { html } from './html.ts'
import type { LoginPage } from '../../core/model/pages.ts'
import { alertMessage, type FormFrame, page, postForm } from './layout.ts'

export type LoginView = LoginPage & FormFrame

export function renderLogin({
  action,
  csrfToken,
  clientName,
  hiddenFields,
  username,
  error,
  basePath,
}: LoginView): string {
  const errorId = 'login-error'
  const invalid = error === undefined ? html`` : html` aria-invalid="true" aria-describedby="${errorId}"`
  // After a failed attempt the username is kept, so the password is the first field left to fill in.
  const focusPassword = username !== undefined && username !== ''
  const content = html`<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${username ?? ''}"${!focusPassword && html` autofocus`}${invalid}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword && html` autofocus`}${invalid}>
</div>
<div class="actions">
<button type="submit" class="primary">Sign in</button>
</div>`
  return page({
    basePath,
    title: clientName === undefined ? 'Sign in' : `Sign in to ${clientName}`,
    body: html`<h1>Sign in to continue${clientName !== undefined && html` to <span class="client-name">${clientName}</span>`}</h1>
${error !== undefined && alertMessage(errorId, error)}
${postForm({ action, csrfToken, hiddenFields, content })}`,
  })
}
