import type { CoreContext } from '../context.ts'
import { ENDPOINT_PATHS } from '../endpoints/metadata.ts'
import { InvalidDpopProof } from '../errors.ts'
import type { Client } from '../model/client.ts'
import { profileOf } from '../profiles/index.ts'
import { verifyDpopProof } from './proof.ts'

/**
 * RFC 9449 §5: the key the tokens of a token request are bound to, from its DPoP proof; null when the request
 * has none and the client may do without (§5.2 dpop_bound_access_tokens).
 */
export async function tokenRequestKey(
  proof: string | undefined,
  client: Client,
  deps: Pick<CoreContext, 'config' | 'clock' | 'replay'>,
): Promise<string | null> {
  if (proof === undefined) {
    // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens gets no token without a proof.
    if (client.dpopBoundAccessTokens) {
      throw new InvalidDpopProof('This client must send a DPoP proof with every token request (RFC 9449).')
    }
    // FAPI 2.0 Security Profile §5.3.2.1: access tokens are sender-constrained, here with DPoP.
    const profile = profileOf(client)
    if (profile?.senderConstrainedTokens === true) {
      throw new InvalidDpopProof(`The ${profile.title} requires a DPoP proof with every token request.`)
    }
    return null
  }
  const url = `${deps.config.issuer}${ENDPOINT_PATHS.token}`
  return (await verifyDpopProof(proof, { method: 'POST', url }, deps)).jkt
}
