import type { SecurityProfile } from './profile.ts'

const SP = 'FAPI 2.0 Security Profile'

/**
 * The FAPI 2.0 Security Profile (OpenID Foundation, final), authorization server side, for the authorization code
 * flow. Mutual TLS (client authentication and certificate-bound tokens, RFC 8705) is out of scope: private_key_jwt
 * is the one client authentication, and DPoP the one sender constraint.
 */
export const fapi2: SecurityProfile = {
  name: 'fapi2',
  title: SP,
  clientTypes: ['confidential'],
  clientAuthenticationMethods: ['private_key_jwt'],
  forbiddenGrantTypes: ['implicit', 'password'],
  pushedRequestsRequired: true,
  pushedRedirectUriRequired: true,
  maxAuthorizationCodeSeconds: 60,
  senderConstrainedTokens: true,
  requirements: [
    { clause: `${SP} §5.3.2.1`, text: 'only confidential clients', enforcement: 'registration' },
    {
      clause: `${SP} §5.3.2.1`,
      text: 'clients authenticate with private_key_jwt (or mTLS, not offered)',
      enforcement: 'registration',
    },
    {
      clause: `${SP} §5.3.2.1`,
      text: 'the resource owner password credentials grant is refused',
      enforcement: 'registration',
    },
    {
      clause: `${SP} §5.3.2.2`,
      text: 'the implicit grant (response_type=token) is refused',
      enforcement: 'registration',
    },
    {
      clause: `${SP} §5.3.2.1`,
      text: 'access tokens are sender-constrained: every token request carries a DPoP proof (mTLS not offered)',
      enforcement: 'request',
    },
    {
      clause: `${SP} §5.3.2.2`,
      text: 'authorization requests are pushed (RFC 9126); any other is refused',
      enforcement: 'request',
    },
    { clause: `${SP} §5.3.2.2`, text: 'the pushed request names its redirect_uri', enforcement: 'request' },
    {
      clause: `${SP} §5.3.2.2`,
      text: 'a request_uri expires within 5 to 600 seconds (lifetimes.pushedRequest, at most 600)',
      enforcement: 'always',
    },
    { clause: `${SP} §5.3.2.2`, text: 'PKCE with S256', enforcement: 'always' },
    { clause: `${SP} §5.3.2.2`, text: 'iss in the authorization response (RFC 9207)', enforcement: 'always' },
    {
      clause: `${SP} §5.3.2.2`,
      text: 'authorization codes live at most 60 seconds',
      enforcement: 'request',
    },
    {
      clause: `${SP} §5.3.2.1`,
      text: 'refresh token rotation only in extraordinary circumstances: Keyward rotates, which clients handle',
      enforcement: 'not-yet',
    },
  ],
}
