import type { CoreContext } from '../context.ts'
import { InvalidDpopProof, InvalidToken, type TokenScheme, UseDpopNonce } from '../errors.ts'
import { verifyDpopProof } from './proof.ts'

/** An access token as a request presented it: the token and the scheme it came with. */
export interface PresentedToken {
  readonly token: string
  readonly scheme: TokenScheme
}

/** The request around a presented token, as a DPoP proof must describe it (RFC 9449 §4.2). */
export interface ResourceRequest {
  readonly dpop: string | undefined
  readonly method: string
  readonly url: string
}

/**
 * RFC 9449 §7: a protected resource (UserInfo) accepts a token bound to a key only as `Authorization: DPoP`
 * with a proof by that key for this request and this token (ath); a bound token sent as Bearer is refused
 * (§7.2), and so is an unbound one sent as DPoP. Errors are 401 with a DPoP challenge.
 */
export async function proveTokenPossession(
  presented: PresentedToken,
  boundJkt: string | null,
  request: ResourceRequest,
  deps: Pick<CoreContext, 'config' | 'clock' | 'replay'>,
): Promise<void> {
  if (presented.scheme === 'Bearer') {
    if (boundJkt === null) return
    throw new InvalidToken(
      'This access token is bound to a DPoP key: send it as Authorization: DPoP with a DPoP proof (RFC 9449 §7.1).',
      false,
      'DPoP',
    )
  }
  if (boundJkt === null) {
    throw new InvalidToken('This access token is not bound to a DPoP key: send it as Bearer.', false, 'DPoP')
  }
  if (request.dpop === undefined) {
    throw new InvalidDpopProof('A DPoP proof is required with Authorization: DPoP.').withStatus(401)
  }
  let jkt: string
  try {
    ;({ jkt } = await verifyDpopProof(
      request.dpop,
      { method: request.method, url: request.url, accessToken: presented.token },
      deps,
    ))
  } catch (error) {
    // RFC 9449 §7.1, §9: at a protected resource a bad proof is a 401 with a DPoP challenge.
    if (error instanceof InvalidDpopProof || error instanceof UseDpopNonce) throw error.withStatus(401)
    throw error
  }
  if (jkt !== boundJkt) {
    throw new InvalidDpopProof(
      'The DPoP proof is signed with another key than the one the access token is bound to.',
    ).withStatus(401)
  }
}
