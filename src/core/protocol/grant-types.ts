/**
 * Wire names of the grant types (RFC 6749 §4, RFC 8628 §3.4); `implicit` names response_type=token. The list of
 * known grant types derives from the grant registry (grants/index.ts).
 */
export const AUTHORIZATION_CODE = 'authorization_code'
export const REFRESH_TOKEN = 'refresh_token'
export const CLIENT_CREDENTIALS = 'client_credentials'
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
export const PASSWORD = 'password'
export const IMPLICIT = 'implicit'
