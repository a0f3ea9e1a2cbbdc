import { REFRESH_TOKEN } from '../../protocol/grant-types.ts'
import { DAY, formatDuration } from '../duration.ts'
import { effectiveLifetime } from '../../tokens/lifetimes.ts'
import { expires, whereSet } from './lifetimes.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

const limit = 90 * DAY

// RFC 9700 §4.14.2: a public client's refresh token is a bearer credential anyone holding it can use.
export const publicRefreshLifetimeLong: LintRule = {
  id: 'public-refresh-lifetime-long',
  check: (input) =>
    eachClient(input, (client) => {
      if (client.type !== 'public' || !client.grantTypes.includes(REFRESH_TOKEN)) return null
      const absolute = effectiveLifetime(client, input.defaults, 'refreshAbsolute')
      // A lifetime that never ends is refresh-expiry-disabled's finding, not this one.
      if (!expires(absolute.seconds) || absolute.seconds <= limit) return null
      return {
        severity: 'warning',
        clientId: client.id,
        message:
          `A public client keeps refresh tokens for ${formatDuration(absolute.seconds)} (${whereSet(absolute)}), ` +
          'so one stolen from the device works for longer than 90 days.',
        fix: `Set the client’s absolute refresh lifetime to ${formatDuration(limit)} or less; users then sign in again.`,
      }
    }),
}
