import { accessTokenLifetimeLong } from './access-token-lifetime-long.ts'
import { backchannelLogoutUriInvalid } from './backchannel-logout-uri-invalid.ts'
import { clientCredentialsMixedWithCode } from './client-credentials-mixed-with-code.ts'
import { clientCredentialsRedirectUris } from './client-credentials-redirect-uris.ts'
import { clientNoGrantTypes } from './client-no-grant-types.ts'
import { clientScopeOverlyBroad } from './client-scope-overly-broad.ts'
import { clientScopeUndefined } from './client-scope-undefined.ts'
import { confidentialClientWithoutSecret } from './confidential-client-without-secret.ts'
import { implicitOpenid } from './implicit-openid.ts'
import { issuerNotHttps } from './issuer-not-https.ts'
import { legacyImplicitEnabled, legacyPasswordEnabled } from './legacy-flow-enabled.ts'
import { openidWithoutPerson } from './openid-without-person.ts'
import { profileClientAuthentication } from './profile-client-authentication.ts'
import { profileClientType } from './profile-client-type.ts'
import { profileForbiddenGrant } from './profile-forbidden-grant.ts'
import { postLogoutRedirectUriInvalid } from './post-logout-redirect-uri-invalid.ts'
import { publicClientCredentials } from './public-client-credentials.ts'
import { publicClientWithSecret } from './public-client-with-secret.ts'
import { publicRefreshLifetimeLong } from './public-refresh-lifetime-long.ts'
import { redirectUriFragment } from './redirect-uri-fragment.ts'
import { redirectUriHttpNotLoopback } from './redirect-uri-http-not-loopback.ts'
import { redirectUriInvalid } from './redirect-uri-invalid.ts'
import { redirectUriScheme } from './redirect-uri-scheme.ts'
import { redirectUriWildcard } from './redirect-uri-wildcard.ts'
import { refreshExpiryDisabled } from './refresh-expiry-disabled.ts'
import type { LintRule } from './rule.ts'
import { scopeUnused } from './scope-unused.ts'

/** Every lint rule, in report order within a severity. Adding a rule is one file and one line here. */
export const lintRules: readonly LintRule[] = [
  issuerNotHttps,
  clientNoGrantTypes,
  legacyImplicitEnabled,
  legacyPasswordEnabled,
  implicitOpenid,
  redirectUriInvalid,
  redirectUriHttpNotLoopback,
  redirectUriFragment,
  redirectUriWildcard,
  redirectUriScheme,
  postLogoutRedirectUriInvalid,
  backchannelLogoutUriInvalid,
  confidentialClientWithoutSecret,
  publicClientWithSecret,
  publicClientCredentials,
  clientCredentialsRedirectUris,
  clientCredentialsMixedWithCode,
  openidWithoutPerson,
  accessTokenLifetimeLong,
  refreshExpiryDisabled,
  publicRefreshLifetimeLong,
  clientScopeUndefined,
  scopeUnused,
  clientScopeOverlyBroad,
  profileClientType,
  profileClientAuthentication,
  profileForbiddenGrant,
]
