import { isLoopbackHost } from '../../protocol/redirect-uri.ts'
import { eachClient, type LintRule } from './rule.ts'

// OpenID Connect Back-Channel Logout 1.0 §2.2: an absolute URL without a fragment, https unless the operator
// allows http, which Keyward does only on loopback (as for its own issuer): a logout token is a bearer of a
// person's identity.
export const backchannelLogoutUriInvalid: LintRule = {
  id: 'backchannel-logout-uri-invalid',
  check: (input) =>
    eachClient(input, (client) => {
      const uri = client.backchannelLogoutUri
      if (uri === null) return null
      const url = URL.parse(uri)
      const valid =
        url !== null &&
        !uri.includes('#') &&
        (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))
      return valid
        ? null
        : {
            severity: 'error',
            clientId: client.id,
            message: `Back-channel logout URI ${uri} is not an absolute https URL without a fragment (Back-Channel Logout 1.0 §2.2).`,
            fix: 'Register the https URL where the client receives logout tokens (http only on a loopback address).',
          }
    }),
}
