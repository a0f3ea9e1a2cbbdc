import type { FastifyInstance, FastifyReply } from 'fastify'

// DESIGN §6: strict CSP with no inline script, no framing, no referrer (URLs here carry codes and state).
// form-action is left open on purpose: Chromium applies it to the redirect that follows the consent form,
// and that redirect goes to the client's own origin.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Sets the headers every reply carries; also used for the replies Fastify makes before any hook runs. */
export function setSecurityHeaders(reply: FastifyReply, options: { https: boolean }): FastifyReply {
  reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  reply.header('Referrer-Policy', 'no-referrer')
  reply.header('X-Content-Type-Options', 'nosniff')
  reply.header('X-Frame-Options', 'DENY')
  reply.header('Cross-Origin-Opener-Policy', 'same-origin')
  if (options.https) reply.header('Strict-Transport-Security', 'max-age=31536000')
  return reply
}

export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', async (_request, reply) => {
    setSecurityHeaders(reply, options)
  })
}
