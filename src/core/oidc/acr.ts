import { UnmetAuthenticationRequirements } from '../errors.ts'

/**
 * OpenID Connect Core §2 `acr`: Keyward has one authentication class, a password checked by the People port
 * (single-factor; `amr` says `pwd`). The ID token's `auth_time` says when it was entered; a relying party that needs
 * it entered again asks with `max_age` or `prompt=login`. The value names exactly that, and no assurance level
 * Keyward cannot vouch for (ISO/IEC 29115 levels, NIST AALs, REFEDS profiles depend on the operator's password
 * policy and identity proofing).
 */
export const PASSWORD_ACR = 'urn:keyward:acr:password'

/** Discovery §3 acr_values_supported: the classes Keyward can achieve. */
export const ACR_VALUES_SUPPORTED = [PASSWORD_ACR] as const

/**
 * Core §5.5.1.1: an essential `acr` whose `value` or `values` name no class Keyward achieves is a failed
 * authentication, which OpenID Connect Core Unmet Authentication Requirements 1.0 §1 answers with
 * unmet_authentication_requirements. A voluntary one (here and in `acr_values`, §3.1.2.1) is answered with the
 * class achieved, which the ID token states.
 */
export function checkRequestedAcr(request: Readonly<Record<string, unknown>> | null): void {
  if (request === null || request.essential !== true) return
  const wanted = request.value !== undefined ? [request.value] : request.values
  if (!Array.isArray(wanted) || wanted.includes(PASSWORD_ACR)) return
  throw new UnmetAuthenticationRequirements(
    `The application requires an authentication Keyward cannot perform (acr ${wanted.map(String).join(', ')}); ` +
      `it signs people in with a password only (${PASSWORD_ACR}).`,
  )
}
