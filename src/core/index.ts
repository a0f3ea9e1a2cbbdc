// The core's front door (architecture §2): code outside src/core imports only this module, src/core/model and
// src/core/ports (an ESLint rule holds it to that). The protocol's operations are the methods of
// createAuthorizationServer; each answers one EndpointResult, which the HTTP layer renders in one place. The rest
// is what the edges share with the core: configuration, errors, and the services the CLI calls.
import { type AdminRequest, callAdminOperation } from './admin-api/endpoint.ts'
import { adminOpenApiDocument } from './admin-api/openapi.ts'
import { ADMIN_ROUTES, type AdminRoute } from './admin-api/routes.ts'
import type { ClientAuthInput } from './client-auth/credentials.ts'
import type { CoreContext } from './context.ts'
import { authorize, type Browser, submitConsent, submitLogin, switchAccount } from './endpoints/authorize.ts'
import {
  changeOwnPassword,
  disconnect,
  endAllSessions,
  endOneSession,
  showAccount,
  showAccountLogin,
  submitAccountLogin,
} from './endpoints/account.ts'
import { authorizeDevice } from './endpoints/device-authorization.ts'
import {
  deviceEntryPage,
  submitDeviceDecision,
  submitDeviceLogin,
  submitUserCode,
} from './endpoints/device-verification.ts'
import { introspectToken } from './endpoints/introspect.ts'
import { jwks, metadata } from './endpoints/metadata.ts'
import { pushAuthorizationRequest } from './endpoints/pushed-authorization-request.ts'
import { resourceMetadata } from './endpoints/resource-metadata.ts'
import { revokeToken } from './endpoints/revoke.ts'
import { userinfo } from './oidc/userinfo.ts'
import { confirmLogout, endSession, type LogoutRequestMethod } from './oidc/logout.ts'
import { tokenRequest } from './endpoints/token.ts'
import { jsonResult } from './results.ts'
import type { EndpointResult } from './model/endpoint-result.ts'
import {
  type ConfigurationRequest,
  deleteRegistration,
  readRegistration,
  registerDynamicClient,
  type RegistrationRequest,
  updateRegistration,
} from './registration/endpoint.ts'
import type { SignIn } from './sign-in.ts'

type Form = ReadonlyMap<string, string>

/** The protocol's operations: what each endpoint does with input already read off the request. */
export interface AuthorizationServer {
  /** RFC 6749 §3.2 token endpoint. */
  token(request: ClientAuthInput): Promise<EndpointResult>
  /** RFC 6749 §3.1 authorization endpoint (GET or POST): a redirect, a sign-in or consent page, or an error page. */
  authorize(params: Form, browser: Browser): Promise<EndpointResult>
  /** The sign-in form of an authorization request. */
  login(form: Form, signIn: SignIn): Promise<EndpointResult>
  /** The consent page's "Not you?": the sign-in page of the same authorization request, whoever is signed in. */
  switchAccount(params: Form): Promise<EndpointResult>
  /** The consent form of an authorization request. */
  consent(form: Form, browser: Browser): Promise<EndpointResult>
  /** RFC 7009 */
  revoke(request: ClientAuthInput): Promise<EndpointResult>
  /** RFC 7662 */
  introspect(request: ClientAuthInput): Promise<EndpointResult>
  /** RFC 8628 §3.1 device authorization endpoint. */
  deviceAuthorization(request: ClientAuthInput): Promise<EndpointResult>
  /** RFC 9126 pushed authorization request endpoint. */
  pushedAuthorizationRequest(request: ClientAuthInput): Promise<EndpointResult>
  /** RFC 8628 §3.3 verification pages: enter the code, sign in, approve or deny. */
  readonly deviceVerification: {
    page(userCode: string | undefined): EndpointResult
    submitCode(form: Form, browser: Browser): Promise<EndpointResult>
    login(form: Form, signIn: SignIn): Promise<EndpointResult>
    decide(form: Form, browser: Browser): Promise<EndpointResult>
  }
  /** RFC 8414 authorization server metadata. */
  metadata(): Promise<EndpointResult>
  /** The JWK set of the signing keys. */
  jwks(): EndpointResult
  /** OpenID Connect Core §5.3: the person's claims for a bearer access token (header or form body). */
  userinfo(request: ClientAuthInput): Promise<EndpointResult>
  /** A person's own account (/account): the apps they allowed, their sessions, their password. */
  readonly account: {
    page(browser: Browser): Promise<EndpointResult>
    loginPage(browser: Browser): Promise<EndpointResult>
    login(signIn: SignIn): Promise<EndpointResult>
    disconnect(form: Form, browser: Browser): Promise<EndpointResult>
    endSession(form: Form, browser: Browser): Promise<EndpointResult>
    endAllSessions(browser: Browser): Promise<EndpointResult>
    changePassword(form: Form, browser: Browser): Promise<EndpointResult>
  }
  /** RFC 7591 §3 dynamic client registration, under the operator's policy. */
  register(request: RegistrationRequest): Promise<EndpointResult>
  /** RFC 7592 §2.1-§2.3: a registered client reads, replaces or deletes its registration. */
  readonly registration: {
    read(request: ConfigurationRequest): Promise<EndpointResult>
    update(request: ConfigurationRequest): Promise<EndpointResult>
    delete(request: ConfigurationRequest): Promise<EndpointResult>
  }
  /** RFC 9728 metadata of a registered resource that asked Keyward to serve it; `path` is the request's. */
  resourceMetadata(path: string): Promise<EndpointResult>
  /** OpenID Connect RP-Initiated Logout 1.0 §2: the end_session_endpoint (GET or POST), and its confirmation form. */
  readonly logout: {
    request(params: Form, method: LogoutRequestMethod, browser: Browser): Promise<EndpointResult>
    confirm(form: Form, browser: Browser): Promise<EndpointResult>
  }
  /**
   * The admin API (/admin): the routes of its operations, each called with an admin client's token, and their
   * OpenAPI document. The operations themselves load at the first call or request for the document.
   */
  readonly admin: {
    readonly routes: readonly AdminRoute[]
    call(route: AdminRoute, request: AdminRequest): Promise<EndpointResult>
    openapi(): Promise<EndpointResult>
  }
}

export function createAuthorizationServer(deps: CoreContext): AuthorizationServer {
  let adminDocument: Promise<object> | undefined
  return {
    token: (request) => tokenRequest(request, deps),
    authorize: (params, browser) => authorize(params, browser, deps),
    login: (form, signIn) => submitLogin(form, signIn, deps),
    switchAccount: (params) => switchAccount(params, deps),
    consent: (form, browser) => submitConsent(form, browser, deps),
    revoke: (request) => revokeToken(request, deps),
    introspect: (request) => introspectToken(request, deps),
    deviceAuthorization: (request) => authorizeDevice(request, deps),
    pushedAuthorizationRequest: (request) => pushAuthorizationRequest(request, deps),
    deviceVerification: {
      page: (userCode) => deviceEntryPage(userCode),
      submitCode: (form, browser) => submitUserCode(form, browser, deps),
      login: (form, signIn) => submitDeviceLogin(form, signIn, deps),
      decide: (form, browser) => submitDeviceDecision(form, browser, deps),
    },
    metadata: () => metadata(deps),
    jwks: () => jwks(deps),
    userinfo: (request) => userinfo(request, deps),
    account: {
      page: (browser) => showAccount(browser, deps),
      loginPage: (browser) => showAccountLogin(browser, deps),
      login: (signIn) => submitAccountLogin(signIn, deps),
      disconnect: (form, browser) => disconnect(form, browser, deps),
      endSession: (form, browser) => endOneSession(form, browser, deps),
      endAllSessions: (browser) => endAllSessions(browser, deps),
      changePassword: (form, browser) => changeOwnPassword(form, browser, deps),
    },
    register: (request) => registerDynamicClient(request, deps),
    registration: {
      read: (request) => readRegistration(request, deps),
      update: (request) => updateRegistration(request, deps),
      delete: (request) => deleteRegistration(request, deps),
    },
    resourceMetadata: (path) => resourceMetadata(path, deps),
    logout: {
      request: (params, method, browser) => endSession(params, method, browser, deps),
      confirm: (form, browser) => confirmLogout(form, browser, deps),
    },
    admin: {
      routes: ADMIN_ROUTES,
      call: (route, request) => callAdminOperation(route, request, deps),
      // Written once per server, at its first request: the operations and the issuer do not change.
      openapi: async () => jsonResult(await (adminDocument ??= adminOpenApiDocument(deps.config))),
    },
  }
}

export type { Browser } from './endpoints/authorize.ts'
export { type ClientAuthInput, presentedCredentials } from './client-auth/credentials.ts'
export type { SignIn } from './sign-in.ts'
export type { ConfigurationRequest, RegistrationRequest } from './registration/endpoint.ts'
export type { CoreContext } from './context.ts'
export { ENDPOINT_PATHS } from './endpoints/metadata.ts'
export type { AdminRequest } from './admin-api/endpoint.ts'
export type { AdminMethod, AdminRoute } from './admin-api/routes.ts'
export { ADMIN_OPENAPI_PATH, MERGE_PATCH_MEDIA_TYPE } from './admin-api/openapi.ts'
export { errorPageResult, errorResult } from './results.ts'

// What every edge shares with the core.
export type { Clock } from './clock.ts'
export { type Random, randomToken } from './random.ts'
export {
  type Config,
  ConfigError,
  type ConfigInput,
  type DatabaseSettings,
  type DatabaseTimeouts,
  databasePoolSizeDefault,
  databaseTimeoutDefaults,
  parseConfig,
  type SettingPath,
  settingPath,
} from './config.ts'
export {
  errorBody,
  InsufficientScope,
  InvalidClient,
  InvalidDpopProof,
  InvalidGrant,
  InvalidRequest,
  InvalidToken,
  OAuthError,
  ServerError,
  TemporarilyUnavailable,
  TooManyRequests,
  UseDpopNonce,
} from './errors.ts'
export { readParameters } from './protocol/params.ts'
export { DPOP_ALGORITHMS } from './dpop/proof.ts'
export { isLoopbackHost } from './protocol/redirect-uri.ts'

// The services the command line calls (and an admin API will): each rule is written once, here.
export { createClient, deleteClient, rotateClientSecret } from './admin/clients.ts'
export { changeClientLogout, type ClientLogoutChanges } from './admin/clients.ts'
export { revokeGrant } from './admin/grants.ts'
export { createResource, deleteResource } from './admin/resources.ts'
export {
  metadataPathOf,
  type ResourceRegistration,
  ResourceRegistrationError,
} from './resources/registration.ts'
export { changePassword, changeUserClaims, endSessions, unlockSignIn } from './admin/users.ts'
export {
  ADDRESS_PARTS,
  BOOLEAN_CLAIMS,
  type ClaimChanges,
  changeClaims,
  TEXT_CLAIMS,
} from './oidc/person-claims.ts'
export { newUser, passwordProblem, recordedPeople, storedPeople } from './users.ts'
export { createAdminClient } from './admin/clients.ts'
export { createUser, deleteUser } from './admin/users.ts'
export { liveSessionsOf } from './sessions.ts'
export { grantsOf } from './admin/grants.ts'
export { rotateKeys } from './admin/keys.ts'
export { ADMIN_READ, ADMIN_WRITE } from './admin/scopes.ts'
export {
  describeClient,
  describeGrant,
  describeKey,
  describeResource,
  describeSession,
  describeUser,
} from './admin/views.ts'
export { ClientRegistrationError, type ClientRegistration } from './client-registration.ts'
export { type KeyRing, openKeyRing, rotateSigningKey } from './tokens/signing-keys.ts'
export { OPAQUE_ACCESS_TOKEN_PREFIX } from './tokens/issue.ts'
export { sweepExpired } from './maintenance.ts'
export {
  createInitialAccessToken,
  INITIAL_ACCESS_TOKEN_LIMITS,
  revokeInitialAccessToken,
} from './registration/initial-access-tokens.ts'
export { type Finding, formatFindings, lintServer } from './advisor/lint.ts'
export { SECURITY_PROFILES } from './profiles/index.ts'
export { SUBJECT_TYPES } from './oidc/subject.ts'
export { ID_TOKEN_ALGORITHMS } from './tokens/signing-keys.ts'
export { type AdviceAnswers, advise } from './advisor/advise.ts'
export { formatDuration } from './advisor/duration.ts'
export { effectiveLifetime } from './tokens/lifetimes.ts'
export { type ClientKind, clientKinds, clientLifetimes, clientPresetForKind } from './advisor/presets.ts'
