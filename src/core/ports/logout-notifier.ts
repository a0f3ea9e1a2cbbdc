/**
 * One logout token for one client (OpenID Connect Back-Channel Logout 1.0 §2.5): posted as the `logout_token`
 * form parameter to the client's registered back-channel logout URI.
 */
export interface LogoutNotice {
  readonly clientId: string
  readonly uri: string
  readonly logoutToken: string
}

/**
 * Delivers logout tokens to clients. Core decides who is told what; the edge does the posting, in the
 * background, with a timeout and bounded retries (§2.8 lets the OP retry). Notifying never throws and never
 * waits: a slow or dead client must not hold up a person signing out.
 */
export interface LogoutNotifier {
  notify(notices: readonly LogoutNotice[]): void
}
