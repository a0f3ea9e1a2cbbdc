import { eachClient, type LintRule } from './rule.ts'

// OpenID Connect Back-Channel Logout 1.0 §2.2: an absolute URL without a fragment. Keyward posts logout tokens (a
// bearer of a person's identity) only through its outbound fetch, which reaches https URLs without credentials
// (DESIGN §9): any other URI would never receive one.
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
        url.protocol === 'https:' &&
        url.username === '' &&
        url.password === ''
      return valid
        ? null
        : {
            severity: 'error',
            clientId: client.id,
            message: `Back-channel logout URI ${uri} is not an absolute https URL without credentials or fragment (Back-Channel Logout 1.0 §2.2): Keyward posts logout tokens over https only.`,
            fix: 'Register the https URL where the client receives logout tokens, on a public address (loopback and private networks are reached only with outboundFetch.allowPrivateAddresses, for development).',
          }
    }),
}
