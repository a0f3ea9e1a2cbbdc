import type { FastifyReply, FastifyRequest } from 'fastify'

export interface CookiePolicy {
  /** Secure everywhere except on an http loopback issuer, where browsers would drop a Secure cookie. */
  readonly secure: boolean
}

/** `__Host-` binds a secure cookie to this exact origin and path (RFC 6265bis §4.1.3.2). */
export function cookieName(base: string, policy: CookiePolicy): string {
  return policy.secure ? `__Host-${base}` : base
}

export function readCookie(request: FastifyRequest, base: string, policy: CookiePolicy): string | undefined {
  return request.cookies[cookieName(base, policy)]
}

/** HttpOnly + SameSite=Lax (+ Secure): architecture §5 for the session, and the same for the CSRF cookie. */
export function writeCookie(
  reply: FastifyReply,
  base: string,
  value: string,
  policy: CookiePolicy,
  maxAgeSeconds?: number,
): void {
  reply.setCookie(cookieName(base, policy), value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  })
}

/** Tells the browser to forget a cookie written by writeCookie (same name, path and attributes). */
export function clearCookie(reply: FastifyReply, base: string, policy: CookiePolicy): void {
  reply.clearCookie(cookieName(base, policy), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
  })
}
