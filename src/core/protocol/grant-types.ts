/** Wire names of the grant types Keyward knows (RFC 6749 §4, RFC 8628 §3.4); `implicit` names response_type=token. */
export const AUTHORIZATION_CODE = 'authorization_code'
export const REFRESH_TOKEN = 'refresh_token'
export const CLIENT_CREDENTIALS = 'client_credentials'
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
export const PASSWORD = 'password'
export const IMPLICIT = 'implicit'

export const KNOWN_GRANT_TYPES = [
  AUTHORIZATION_CODE,
  REFRESH_TOKEN,
  CLIENT_CREDENTIALS,
  DEVICE_CODE,
  PASSWORD,
  IMPLICIT,
] as const
