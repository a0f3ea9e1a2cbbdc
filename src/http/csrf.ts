import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Random, randomToken } from '../core/index.ts'
import { type CookiePolicy, readCookie, writeCookie } from './cookies.ts'

const COOKIE = 'kw_csrf'

/**
 * Signed double-submit CSRF protection: the browser holds a random HttpOnly cookie, and every form carries
 * HMAC(key, cookie). A cross-site page can neither read the cookie nor compute the token.
 */
export interface Csrf {
  /** The token for this browser's forms, setting the cookie first if the browser has none. */
  tokenFor(request: FastifyRequest, reply: FastifyReply): string
  /** True when the submitted form token belongs to this browser's cookie. */
  verify(request: FastifyRequest, submitted: string | undefined): boolean
}

export function createCsrf(secret: string, random: Random, policy: CookiePolicy): Csrf {
  const key = Buffer.from(hkdfSync('sha256', secret, 'keyward', 'csrf v1', 32))
  const sign = (browserId: string) => createHmac('sha256', key).update(browserId).digest('base64url')
  return {
    tokenFor(request, reply) {
      let browserId = readCookie(request, COOKIE, policy)
      if (browserId === undefined || browserId.length > 100) {
        browserId = randomToken(random)
        writeCookie(reply, COOKIE, browserId, policy)
      }
      return sign(browserId)
    },
    verify(request, submitted) {
      const browserId = readCookie(request, COOKIE, policy)
      if (browserId === undefined || submitted === undefined) return false
      const expected = Buffer.from(sign(browserId))
      const actual = Buffer.from(submitted)
      return expected.length === actual.length && timingSafeEqual(expected, actual)
    },
  }
}
