import { isLoopbackHost } from '../../protocol/redirect-uri.ts'
import type { LintRule } from './rule.ts'

// RFC 8414 §2: the issuer is an https URL; architecture §5 allows http only on a loopback address.
export const issuerNotHttps: LintRule = {
  id: 'issuer-not-https',
  check: ({ issuer }) => {
    const url = URL.parse(issuer)
    if (
      url !== null &&
      (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    ) {
      return []
    }
    return [
      {
        severity: 'error',
        clientId: null,
        message:
          url === null
            ? `The issuer ${issuer} is not an absolute URL (RFC 8414 §2).`
            : `The issuer ${issuer} is not https, so codes, tokens and passwords cross the network in clear (RFC 8414 §2).`,
        fix: 'Serve Keyward over https (directly or behind a TLS proxy) and set the issuer to its https URL; plain http is only for 127.0.0.1, [::1] or localhost.',
      },
    ]
  },
}
