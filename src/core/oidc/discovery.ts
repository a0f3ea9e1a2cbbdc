import { PROMPT_VALUES } from '../authorize/request.ts'
import { ACR_VALUES_SUPPORTED } from './acr.ts'
import { STANDARD_CLAIMS } from './claims.ts'
import { ID_TOKEN_ALGORITHMS } from '../tokens/signing-keys.ts'
import { ID_TOKEN_CLAIMS } from './id-token.ts'
import { SUBJECT_TYPES } from './subject.ts'

/**
 * OpenID Connect Discovery 1.0 §3: the OpenID Provider facts beside the RFC 8414 ones, stating exactly what
 * Keyward does, logout included (RP-Initiated Logout 1.0 §2.1, Back-Channel Logout 1.0 §2.1).
 */
export function openIdProviderMetadata(
  userinfoEndpoint: string,
  endSessionEndpoint: string,
): Record<string, unknown> {
  return {
    userinfo_endpoint: userinfoEndpoint,
    end_session_endpoint: endSessionEndpoint,
    backchannel_logout_supported: true,
    // Back-Channel Logout 1.0 §2.1: every logout token carries the sid of the session that ended.
    backchannel_logout_session_supported: true,
    // Core §8: public by default, pairwise for a client registered so (src/core/oidc/subject.ts).
    subject_types_supported: SUBJECT_TYPES,
    // Discovery §3: RS256 first, the default; ES256 and EdDSA for clients that register them.
    id_token_signing_alg_values_supported: ID_TOKEN_ALGORITHMS,
    claims_supported: [...ID_TOKEN_CLAIMS, ...STANDARD_CLAIMS],
    // Core §2: one authentication class, a password (acr.ts); an essential acr asking for another is refused.
    acr_values_supported: ACR_VALUES_SUPPORTED,
    prompt_values_supported: PROMPT_VALUES,
    // Core §5.5: the claims parameter, within the granted scopes (src/core/oidc/claims-request.ts).
    claims_parameter_supported: true,
    // Discovery §3: request_uri_parameter_supported defaults to true, so its absence would promise it.
    // RFC 9101 §5: signed request objects by value (and inside pushed requests); by reference only through PAR.
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
  }
}
