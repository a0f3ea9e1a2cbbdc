/** Every error code the OAuth RFCs Keyward implements name (RFC 6749, 6750, 7009, 8628, OpenID Connect Core). */
const RFC_ERROR_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'login_required',
  'consent_required',
  'interaction_required',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
  'authorization_pending',
  'slow_down',
  'expired_token',
])

/** RFC 6749 §5.2: `error` from the registry, `error_description` a string, nothing else but `error_uri`. */
export function isRfc6749Body(body: Buffer): boolean {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return false
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false
  const record = parsed as Record<string, unknown>
  return (
    typeof record.error === 'string' &&
    RFC_ERROR_CODES.has(record.error) &&
    typeof record.error_description === 'string' &&
    Object.keys(record).every((key) => ['error', 'error_description', 'error_uri'].includes(key))
  )
}
