import { initial } from './001-initial.ts'
import { clientNotifications } from './002-client-notifications.ts'
import { refreshTokenReplaces } from './003-refresh-token-replaces.ts'
import { signingKeyNotifications } from './004-signing-key-notifications.ts'
import { signInUnlocks } from './005-sign-in-unlocks.ts'
import { clientJwks } from './006-client-jwks.ts'
import { openIdConnect } from './007-openid-connect.ts'
import { resources } from './008-resources.ts'
import { dynamicRegistration } from './009-dynamic-registration.ts'
import { dpop } from './010-dpop.ts'
import { clientLogout } from './011-client-logout.ts'
import { pushedAuthorizationRequests } from './012-pushed-authorization-requests.ts'
import { resourceNotifications } from './013-resource-notifications.ts'
import { clientOpenIdSettings } from './015-client-openid-settings.ts'
import { signedRequestObjects } from './016-signed-request-objects.ts'
import type { Migration } from './migration.ts'
import { clientSecretJwt } from './017-client-secret-jwt.ts'
import { oneWritePerToken } from './019-one-write-per-token.ts'
import { sectorIdentifierUri } from './020-sector-identifier-uri.ts'
import { refreshTokenSuccessor } from './021-refresh-token-successor.ts'

/** Every migration, oldest first. Append; never edit one that has shipped. */
export const migrations: readonly Migration[] = [
  initial,
  clientNotifications,
  refreshTokenReplaces,
  signingKeyNotifications,
  signInUnlocks,
  clientJwks,
  openIdConnect,
  resources,
  dynamicRegistration,
  dpop,
  clientLogout,
  pushedAuthorizationRequests,
  resourceNotifications,
  clientOpenIdSettings,
  signedRequestObjects,
  clientSecretJwt,
  oneWritePerToken,
  sectorIdentifierUri,
  refreshTokenSuccessor,
]
