import type { StandardClaims } from '../model/person-claims.ts'

/** A person as the protocol needs them: a stable id (the `sub` of their tokens) and the name pages show. */
export interface Person {
  readonly id: string
  readonly username: string
  /** OpenID Connect Core §5.1 claims, released by scope (§5.4) in UserInfo; none when absent. */
  readonly claims?: StandardClaims
}

/** What checking a username and password found: the person, or no match (with the account's id if it exists). */
export type Verification =
  | { readonly verified: true; readonly person: Person }
  /** `userId` only goes to the security log, never to the caller: answers never tell whether a username exists. */
  | { readonly verified: false; readonly userId?: string }

/**
 * Who people are and how they prove it: Keyward's own user store by default (`storedPeople` in
 * src/core/users.ts), or the accounts of an application that embeds Keyward. The core throttles attempts before
 * it calls `verify`, and never stores a password.
 */
export interface People {
  /** Checks a sign-in. An unknown username should take as long as a wrong password, so timing tells nothing. */
  verify(username: string, password: string): Promise<Verification>
  /** The person with this id, or null once they no longer exist. */
  find(id: string): Promise<Person | null>
  /**
   * Sets a person's new password, already checked against the password rules and their current password; false
   * when they no longer exist. Absent where passwords are changed elsewhere (an embedding application's own
   * accounts): the account page then offers no password form.
   */
  changePassword?(id: string, password: string): Promise<boolean>
  /**
   * True when these people are the user store's records (`storedPeople`), so that a user read with another record
   * stands for `find`: UserInfo reads the token and its person in one statement.
   */
  readonly inUserStore?: true
}
