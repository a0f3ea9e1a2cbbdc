import type { HiddenFields, ScopeDescription } from '../../core/model/pages.ts'
import { html, htmlString, type SafeHtml } from './html.ts'

/** What the HTTP side adds to a page: the issuer's path, under which the stylesheet is served (app.ts). */
export interface PageFrame {
  readonly basePath?: string | undefined
}

/** And to a page with a form: the token of the signed double-submit CSRF cookie. */
export interface FormFrame extends PageFrame {
  readonly csrfToken: string
}

export interface PageOptions extends PageFrame {
  readonly title: string
  readonly body: SafeHtml
  /** A wider card for pages that list things rather than ask one question. */
  readonly wide?: boolean
}

/** The whole document. Styling comes only from the stylesheet: the CSP allows no inline style or script. */
export function page({ title, body, wide = false, basePath = '' }: PageOptions): string {
  return `<!doctype html>\n${htmlString(html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title} · Keyward</title>
<link rel="stylesheet" href="${basePath}/assets/keyward.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="brand">Keyward</header>
<main class="${wide ? 'card card-wide' : 'card'}">
${body}
</main>
</body>
</html>
`)}`
}

export interface PostFormOptions {
  readonly action: string
  readonly csrfToken: string
  readonly hiddenFields?: HiddenFields
  readonly content: SafeHtml
}

/** Every form posts and carries the CSRF token; the request's own parameters travel as hidden fields. */
export function postForm({ action, csrfToken, hiddenFields = {}, content }: PostFormOptions): SafeHtml {
  const hidden = Object.entries(hiddenFields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`,
  )
  return html`<form method="post" action="${action}">
<input type="hidden" name="csrf_token" value="${csrfToken}">
${hidden}${content}
</form>`
}

/** An error announced to screen readers; inputs point at it with aria-describedby. */
export function alertMessage(id: string, message: string): SafeHtml {
  return html`<p class="alert" id="${id}" role="alert">${message}</p>`
}

/** The heading and scope list shared by the consent and device approval pages. */
export function accessRequest(clientName: string, scopes: readonly ScopeDescription[]): SafeHtml {
  const items =
    scopes.length === 0
      ? html`<li><span class="scope-description">Use your account, with no specific permissions</span></li>`
      : scopes.map(
          (scope) => html`<li>
<span class="scope-description">${scope.description}</span>
<code class="scope-name">${scope.name}</code>
</li>`,
        )
  return html`<h1><span class="client-name">${clientName}</span> wants to:</h1>
<ul class="scopes">
${items}
</ul>`
}

export function signedInAs(username: string): SafeHtml {
  return html`<p class="signed-in">Signed in as <strong>${username}</strong></p>`
}

// Deny comes first: it is then the first Tab stop and the button an implicit submission (Enter) uses.
export const decisionButtons: SafeHtml = html`<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
</div>`
