import { ENDPOINT_PATHS } from '../../core/index.ts'
import type { AccountPage, AllowedApp, HiddenFields, SignedInSession } from '../../core/model/pages.ts'
import { html, type SafeHtml } from './html.ts'
import { alertMessage, type FormFrame, page, postForm } from './layout.ts'

export type AccountView = AccountPage & FormFrame

/** A form of the page: where it posts (under the issuer), its controls and its hidden fields. */
type Form = (path: string, content: SafeHtml, fields?: HiddenFields) => SafeHtml

let dateFormat: Intl.DateTimeFormat | undefined
/**
 * Dates as a person reads them, the same on every server: "30 Nov 2026, 09:30" (and " UTC" after). The format is
 * made at the first account page, not when the module loads: a DateTimeFormat loads ICU's locale data, which
 * held 7 MB of memory in every `keyward start` (issue #14), opened the page or not.
 */
const readable = (date: Date) =>
  (dateFormat ??= new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  })).format(date)
const when = (date: Date) => html`<time datetime="${date.toISOString()}">${readable(date)} UTC</time>`

function appItem(app: AllowedApp, form: Form) {
  const can =
    app.scopes.length === 0
      ? html`<li>Use your account, with no specific permissions</li>`
      : app.scopes.map((scope) => html`<li>${scope.description}</li>`)
  return html`<li>
<p class="item-title"><span class="client-name">${app.clientName}</span></p>
<ul class="item-detail app-scopes">${can}</ul>
<p class="item-detail">Allowed ${when(app.allowedAt)}</p>
${form(
  ENDPOINT_PATHS.accountDisconnect,
  html`<button type="submit" class="secondary" aria-label="Disconnect ${app.clientName}">Disconnect</button>`,
  { client_id: app.clientId },
)}
</li>`
}

function sessionItem(session: SignedInSession, form: Form) {
  const label = session.current
    ? 'Sign out of this browser'
    : `Sign out of the session signed in ${readable(session.signedInAt)} UTC`
  return html`<li${session.current && html` class="current"`}>
<p class="item-title"><span>Signed in ${when(session.signedInAt)}</span>${session.current && html` <span class="badge">This browser</span>`}</p>
<p class="item-detail">Until ${when(session.expiresAt)}, unless you sign out</p>
${form(
  ENDPOINT_PATHS.accountEndSession,
  html`<button type="submit" class="secondary" aria-label="${label}">Sign out</button>`,
  { sid: session.sid },
)}
</li>`
}

function passwordForm(error: string | undefined, form: Form) {
  const errorId = 'password-error'
  const invalid = error === undefined ? html`` : html` aria-invalid="true" aria-describedby="${errorId}"`
  return html`<h2>Change your password</h2>
${error !== undefined && alertMessage(errorId, error)}
${form(
  ENDPOINT_PATHS.accountPassword,
  html`<div class="field">
<label for="current_password">Current password</label>
<input id="current_password" name="current_password" type="password" autocomplete="current-password" required${invalid}>
</div>
<div class="field">
<label for="new_password">New password</label>
<p class="hint" id="new-password-hint">At least 8 characters. Your other sessions will be signed out.</p>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="8" required aria-describedby="new-password-hint">
</div>
<div class="field">
<label for="confirm_password">New password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" minlength="8" required>
</div>
<div class="actions">
<button type="submit" class="primary">Change password</button>
</div>`,
)}`
}

/** The account page: every action is its own small form, each with the CSRF token. */
export function renderAccount(view: AccountView): string {
  const {
    username,
    apps,
    sessions,
    canChangePassword,
    notice,
    passwordError,
    csrfToken,
    basePath = '',
  } = view
  const form: Form = (path, content, hiddenFields = {}) =>
    postForm({ action: `${basePath}${path}`, csrfToken, hiddenFields, content })
  return page({
    basePath,
    title: 'Your account',
    wide: true,
    body: html`<h1>Your account</h1>
${notice !== undefined && html`<p class="notice" role="status">${notice}</p>`}
<p class="signed-in">Signed in as <strong>${username}</strong></p>
<h2>Apps you allowed</h2>
${
  apps.length === 0
    ? html`<p class="item-detail">You have not allowed any app to use your account.</p>`
    : html`<ul class="account-list">
${apps.map((app) => appItem(app, form))}
</ul>`
}
<h2>Where you are signed in</h2>
<ul class="account-list">
${sessions.map((session) => sessionItem(session, form))}
</ul>
${form(
  ENDPOINT_PATHS.accountEndAllSessions,
  html`<div class="actions"><button type="submit" class="secondary">Sign out everywhere</button></div>`,
)}
${canChangePassword && passwordForm(passwordError, form)}`,
  })
}
