import { PROMPT_VALUES } from '../authorize/request.ts'
import { STANDARD_CLAIMS } from './claims.ts'
import { ID_TOKEN_ALGORITHM } from '../tokens/signing-keys.ts'
import { ID_TOKEN_CLAIMS } from './id-token.ts'

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
    // Core §8: every client sees the same sub for a person; pairwise identifiers are not implemented.
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ID_TOKEN_ALGORITHM],
    claims_supported: [...ID_TOKEN_CLAIMS, ...STANDARD_CLAIMS],
    prompt_values_supported: PROMPT_VALUES,
    // Discovery §3: request_uri_parameter_supported defaults to true, so its absence would promise it.
    claims_parameter_supported: false,
    // RFC 9101 §5: signed request objects by value (and inside pushed requests); by reference only through PAR.
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
  }
}
