import { DAY, formatDuration, HOUR } from '../duration.ts'
import { effectiveLifetime } from '../../tokens/lifetimes.ts'
import { expires, whereSet } from './lifetimes.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 6819 §5.1.5.3 and RFC 9700 §2.2: short-lived bearer tokens limit the use of a leaked one.
export const accessTokenLifetimeLong: LintRule = {
  id: 'access-token-lifetime-long',
  check: (input) =>
    eachClient(input, (client) => {
      const lifetime = effectiveLifetime(client, input.defaults, 'accessToken')
      const { seconds } = lifetime
      if (expires(seconds) && seconds <= HOUR) return null
      const length = expires(seconds) ? `live ${formatDuration(seconds)}` : 'never expire'
      return {
        severity: expires(seconds) && seconds <= DAY ? 'warning' : 'error',
        clientId: client.id,
        message:
          `Access tokens ${length} (${whereSet(lifetime)}): a leaked bearer token stays usable that long, and ` +
          'resource servers that validate JWTs locally cannot see a revocation.',
        fix: 'Set the access-token lifetime to one hour or less (Keyward’s default is 10 minutes); use refresh tokens for long sessions.',
      }
    }),
}
