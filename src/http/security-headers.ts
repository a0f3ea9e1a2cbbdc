import type { FastifyInstance, FastifyReply } from 'fastify'

// architecture §5: strict CSP with no inline script, no framing, no referrer (URLs here carry codes and state).
// form-action is left open on purpose: Chromium applies it to the redirect that follows the consent form,
// and that redirect goes to the client's own origin.
const POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
]
const CONTENT_SECURITY_POLICY = POLICY.join('; ')

/** The form_post page (views/form-post.ts) runs one script, served from this origin; no other page runs any. */
export const FORM_POST_CONTENT_SECURITY_POLICY = [...POLICY, "script-src 'self'"].join('; ')

/** The headers every answer carries, also those written straight to a socket (client-errors.ts). */
export function securityHeaders(options: { https: boolean }): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  }
}

/** Sets the headers every reply carries; also used for the replies Fastify makes before any hook runs. */
export function setSecurityHeaders(reply: FastifyReply, options: { https: boolean }): FastifyReply {
  return reply.headers(securityHeaders(options))
}

export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  const headers = securityHeaders(options)
  const { 'Content-Security-Policy': _policy, ...withoutPolicy } = headers
  // A callback, not an async function: a promise would put every reply's write one microtask later.
  app.addHook('onSend', (_request, reply, payload, done) => {
    // A page that needs another policy (the form_post page) has set its own.
    reply.headers(reply.hasHeader('content-security-policy') ? withoutPolicy : headers)
    done(null, payload)
  })
}
