// What a person is shown, as data: the core decides which page and fills its model; the HTTP layer renders it
// (src/http/views/) and adds what only a browser needs (the CSRF token, the path prefix). Architecture §2.

/** A scope as a person reads it on a consent page. */
export interface ScopeDescription {
  readonly name: string
  readonly description: string
}

/** A resource (RFC 8707) as a person reads it on a consent page: the tokens will be for it. */
export interface ResourceDescription {
  readonly identifier: string
  readonly name: string
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
  /**
   * For a client the operator did not register, which names itself by its metadata document's URL: that URL's
   * host, the one thing about it that is vouched for (by its TLS certificate), shown prominently.
   */
  readonly clientDomain?: string
  readonly username: string
  readonly scopes: readonly ScopeDescription[]
  readonly hiddenFields: HiddenFields
  /** Where the person will be sent afterwards: the redirect URI's host (its scheme for an app on the device). */
  readonly redirectHost?: string
  /** The sign-in page of the same authorization request (GET /login), relative to the issuer: to sign in as someone else. */
  readonly switchAccount?: string
  /** The APIs the application asks access to; absent or empty: this server's own. */
  readonly resources?: readonly ResourceDescription[]
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
  /** What the person can do about it, when the message alone does not say. */
  readonly advice?: string
  /** The site of the application that sent the person here, when known: their way back to it. */
  readonly appHome?: AppHome
}

/** An application's site as a person is offered it: its name, and an https URL registered for it. */
export interface AppHome {
  readonly name: string
  readonly url: string
}

/** OAuth 2.0 Form Post Response Mode §2: the response parameters, posted by the browser to the client. */
export interface FormPostPage {
  /** The client's redirect URI: absolute, and already matched against its registration. */
  readonly action: string
  readonly fields: HiddenFields
}

/** An application a person allowed, as their account page lists it. */
export interface AllowedApp {
  readonly clientId: string
  readonly clientName: string
  readonly scopes: readonly ScopeDescription[]
  /** When the person first allowed it. */
  readonly allowedAt: Date
}

/** A live sign-in of the person, in some browser. */
export interface SignedInSession {
  /** The session's public id (never its cookie): what the form to end it names. */
  readonly sid: string
  readonly signedInAt: Date
  readonly expiresAt: Date
  /** The session of the browser showing the page. */
  readonly current: boolean
}

/** The account page (/account): a person's allowed apps, their sessions, and their password. */
export interface AccountPage {
  readonly username: string
  readonly apps: readonly AllowedApp[]
  readonly sessions: readonly SignedInSession[]
  /** False where passwords are changed elsewhere (People without changePassword): no password form. */
  readonly canChangePassword: boolean
  /** What the last action did, said once at the top. */
  readonly notice?: string
  /** Why the password was not changed. */
  readonly passwordError?: string
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
  | { readonly view: 'account'; readonly model: AccountPage }
  | { readonly view: 'logout-confirm'; readonly model: LogoutConfirmPage }
  | { readonly view: 'logout-done'; readonly model: LogoutDonePage }
