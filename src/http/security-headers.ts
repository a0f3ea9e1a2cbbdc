import type { FastifyInstance } from 'fastify'

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

export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    reply.header('Referrer-Policy', 'no-referrer')
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('X-Frame-Options', 'DENY')
    reply.header('Cross-Origin-Opener-Policy', 'same-origin')
    if (options.https) reply.header('Strict-Transport-Security', 'max-age=31536000')
  })
}
