// What a person is shown, as data: the core decides which page and fills its model; the HTTP layer renders it
// (src/http/views/) and adds what only a browser needs (the CSRF token, the path prefix). Architecture §2.

/** A scope as a person reads it on a consent page. */
export interface ScopeDescription {
  readonly name: string
  readonly description: string
}

/** Form fields carried through a page unchanged (the authorization request, a user code). */
export type HiddenFields = Readonly<Record<string, string>>

export interface LoginPage {
  /** Where the form posts, relative to the issuer. */
  readonly action: string
  /** Absent where the request is not known yet to be for a client (a device code checked after sign-in). */
  readonly clientName?: string
  readonly hiddenFields: HiddenFields
  readonly username?: string
  /** A generic message; never says whether the username or the password was wrong. */
  readonly error?: string
}

export interface ConsentPage {
  readonly action: string
  readonly clientName: string
  readonly username: string
  readonly scopes: readonly ScopeDescription[]
  readonly hiddenFields: HiddenFields
}

export interface DeviceEntryPage {
  readonly action: string
  /** Prefilled from verification_uri_complete (RFC 8628 §3.3.1). */
  readonly userCode?: string
  readonly error?: string
}

export interface DeviceConfirmPage extends ConsentPage {
  readonly userCode: string
}

export interface DeviceDonePage {
  readonly approved: boolean
  readonly clientName: string
}

export interface ErrorPage {
  readonly title: string
  readonly message: string
  /** The error code (e.g. invalid_request), shown small so a person can quote it to support. */
  readonly code?: string
  /** How long the person must wait before trying again (a 429's Retry-After), in seconds. */
  readonly retryAfterSeconds?: number
}

/** OAuth 2.0 Form Post Response Mode §2: the response parameters, posted by the browser to the client. */
export interface FormPostPage {
  /** The client's redirect URI: absolute, and already matched against its registration. */
  readonly action: string
  readonly fields: HiddenFields
}

/**
 * OpenID Connect RP-Initiated Logout 1.0 §2: the person is asked whether to sign out of Keyward, when the request
 * cannot show that it comes from an application signed in through this very session.
 */
export interface LogoutConfirmPage {
  readonly action: string
  /** The application that sent the person here, when the request names one. */
  readonly clientName?: string
  readonly username: string
  /** The logout request, carried through the form unchanged. */
  readonly hiddenFields: HiddenFields
}

/** After a logout request with nowhere to return to: whether the person is signed out of Keyward now. */
export interface LogoutDonePage {
  readonly signedOut: boolean
}

/** Every page Keyward shows, by name, with its model. */
export type Page =
  | { readonly view: 'login'; readonly model: LoginPage }
  | { readonly view: 'consent'; readonly model: ConsentPage }
  | { readonly view: 'device-entry'; readonly model: DeviceEntryPage }
  | { readonly view: 'device-confirm'; readonly model: DeviceConfirmPage }
  | { readonly view: 'device-done'; readonly model: DeviceDonePage }
  | { readonly view: 'error'; readonly model: ErrorPage }
  | { readonly view: 'form-post'; readonly model: FormPostPage }
  | { readonly view: 'logout-confirm'; readonly model: LogoutConfirmPage }
  | { readonly view: 'logout-done'; readonly model: LogoutDonePage }
