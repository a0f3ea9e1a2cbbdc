import { REFRESH_TOKEN } from '../../protocol/grant-types.ts'
import { effectiveLifetime } from '../../tokens/lifetimes.ts'
import { expires, whereSet } from './lifetimes.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 9700 §4.14.2: refresh tokens SHOULD expire when unused; rotation alone leaves an unused stolen token alive.
export const refreshExpiryDisabled: LintRule = {
  id: 'refresh-expiry-disabled',
  check: (input) =>
    eachClient(input, (client) => {
      if (!client.grantTypes.includes(REFRESH_TOKEN)) return null
      const idle = effectiveLifetime(client, input.defaults, 'refreshIdle')
      const absolute = effectiveLifetime(client, input.defaults, 'refreshAbsolute')
      const unbounded = [
        ...(expires(idle.seconds) ? [] : [`the idle lifetime (${whereSet(idle)})`]),
        ...(expires(absolute.seconds) ? [] : [`the absolute lifetime (${whereSet(absolute)})`]),
      ]
      if (unbounded.length === 0) return null
      return {
        severity: 'warning',
        clientId: client.id,
        message:
          `Refresh tokens never expire: ${unbounded.join(' and ')} disables expiry. Keyward rotates them, but ` +
          'a stolen token the client no longer uses would stay valid forever.',
        fix: 'Set positive refresh lifetimes, for example 14 days idle and 90 days absolute.',
      }
    }),
}
