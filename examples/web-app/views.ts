import type { ApiAnswer, ApiCall } from './api-client.ts'
import { type Html, html } from './html.ts'
import type { Person } from './sessions.ts'
import type { TokenSummary } from './token-summary.ts'

// No inline script or style anywhere: the Content-Security-Policy is default-src 'self'.
export function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Keyward example web app</title>
<link rel="stylesheet" href="/example.css">
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.escaped
}

export function signInPage(): Html {
  return html`<p>This example app signs you in with the OAuth 2.0 authorization code flow and PKCE.</p>
<form method="post" action="/"><button type="submit">Sign in with Keyward</button></form>`
}

function json(value: unknown): Html {
  return html`<pre>${JSON.stringify(value, null, 2)}</pre>`
}

function claimsSection(claims: TokenSummary['claims']): Html {
  if (claims === undefined) return html`<p>The access token is opaque: it has no claims to show.</p>`
  return html`<p>Decoded for display and not verified: the API the token is for verifies its signature, which is not shown.</p>
<h3>Header</h3>
${json(claims.header)}
<h3>Payload</h3>
${json(claims.payload)}`
}

function apiAnswer(answer: ApiAnswer): Html {
  if (answer.kind === 'unreachable') return html`<p>No answer: ${answer.reason}.</p>`
  const verdict =
    answer.status < 300
      ? 'the API accepted the token'
      : answer.status === 401 || answer.status === 403
        ? 'the API refused the token'
        : 'the API answered with an error'
  return html`<p>HTTP ${answer.status}: ${verdict}</p>
${answer.challenge === undefined ? html`` : html`<p>WWW-Authenticate: <code>${answer.challenge}</code></p>`}
${answer.body === undefined ? html`` : json(answer.body)}`
}

function apiSection(calls: readonly ApiCall[] | undefined): Html {
  if (calls === undefined) return html``
  return html`<h2>The API, called with this token</h2>
<p>This app's server sent the access token to the API in an Authorization header; your browser never sees it. The API verified it and checked its scope.</p>
${calls.map(
  ({ method, path, answer }) => html`<h3>${method} ${path}</h3>
${apiAnswer(answer)}
`,
)}`
}

function personSection(person: Person | undefined): Html {
  if (person === undefined) return html``
  return html`<p>Signed in as <strong class="person-name">${person.name}</strong>${person.email === undefined ? html`` : html` (${person.email})`}.</p>
<p>From the ID token, which the app's OpenID Connect library validated, and the UserInfo endpoint.</p>`
}

export function signedInPage(summary: TokenSummary, apiCalls?: readonly ApiCall[], person?: Person): Html {
  return html`${personSection(person)}
${apiSection(apiCalls)}
<h2>Access token</h2>
<dl>
<dt>Type</dt><dd>${summary.tokenType}</dd>
<dt>Scope</dt><dd>${summary.scope ?? '(not given)'}</dd>
<dt>Expires in</dt><dd>${summary.expiresIn === undefined ? '(not given)' : `${summary.expiresIn} seconds from sign-in`}</dd>
</dl>
${claimsSection(summary.claims)}
<h2>Refresh token</h2>
<p>${summary.refreshTokenHint === undefined ? 'No refresh token was received.' : `Received: ${summary.refreshTokenHint}`}</p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`
}

export function errorPage(message: string, detail?: string): Html {
  return html`<p>${message}</p>
${detail === undefined ? html`` : html`<p>${detail}</p>`}
<p><a href="/">Back to the start</a></p>`
}
