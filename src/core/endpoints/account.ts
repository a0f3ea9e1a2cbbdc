// A person's own account page (/account): the applications they allowed, their sessions and their password.
// Each action is a rule written once elsewhere (disconnectClient in admin/grants.ts, endSession and endSessionsOf
// in sessions.ts), here called for the person signed in, never for anyone else.
import { BY_PERSON, disconnectClient } from '../admin/grants.ts'
import type { CoreContext } from '../context.ts'
import { OAuthError } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import type { AccountPage, AllowedApp } from '../model/pages.ts'
import type { Session } from '../model/session.ts'
import { scopeDescriptions } from '../protocol/scope.ts'
import { pageResult } from '../results.ts'
import { endSession, endSessionsOf, findSession, liveSessionsOf, startSession } from '../sessions.ts'
import { type SignIn, signInOrRefusal } from '../sign-in.ts'
import { passwordProblem } from '../users.ts'
import { type Browser, LOGIN_FAILED_MESSAGE } from './authorize.ts'
import { ENDPOINT_PATHS } from './metadata.ts'

type Form = ReadonlyMap<string, string>

/** The event reason of a password change, and of the sessions it ends. */
const PASSWORD_CHANGED = 'password_changed'

/** Anywhere in the account pages: a redirect to one of them, under the issuer. */
const goTo = (path: string, deps: CoreContext): EndpointResult => ({
  kind: 'redirect',
  location: `${deps.config.issuer}${path}`,
})

/** The sign-in form of the account page; it returns to /account once the person is signed in. */
function loginPage(problem: { username: string; refusal?: OAuthError } | null): EndpointResult {
  const model = {
    action: ENDPOINT_PATHS.accountLogin,
    hiddenFields: {},
    ...(problem === null
      ? {}
      : { username: problem.username, error: problem.refusal?.description ?? LOGIN_FAILED_MESSAGE }),
  }
  return pageResult(
    { view: 'login', model },
    problem === null ? 200 : (problem.refusal?.status ?? 401),
    problem?.refusal,
  )
}

/** The applications the person allowed: a remembered consent, or a grant still live (a device, a password grant). */
async function allowedApps(userId: string, deps: CoreContext): Promise<AllowedApp[]> {
  const byClient = new Map<string, { scope: Set<string>; since: Date }>()
  const add = (clientId: string, scope: readonly string[], at: Date) => {
    const entry = byClient.get(clientId) ?? { scope: new Set<string>(), since: at }
    for (const name of scope) entry.scope.add(name)
    if (at < entry.since) entry.since = at
    byClient.set(clientId, entry)
  }
  for (const consent of await deps.stores.consents.listByUser(userId)) {
    add(consent.clientId, consent.scope, consent.createdAt)
  }
  for (const grant of await deps.stores.grants.listByUser(userId)) {
    if (grant.revokedAt === null) add(grant.clientId, grant.scope, grant.createdAt)
  }
  const apps: AllowedApp[] = []
  for (const [clientId, { scope, since }] of byClient) {
    const client = await deps.stores.clients.get(clientId)
    if (client === null) continue
    const scopes = scopeDescriptions([...scope], deps.config.scopes)
    apps.push({ clientId, clientName: client.name, scopes, allowedAt: since })
  }
  return apps.sort((a, b) => a.clientName.localeCompare(b.clientName))
}

/** The account page of the session's person, with what the last action did; the login page once they are gone. */
async function accountPage(
  session: Session,
  deps: CoreContext,
  said: Pick<AccountPage, 'notice' | 'passwordError'> = {},
  status = 200,
): Promise<EndpointResult> {
  const person = await deps.people.find(session.userId)
  if (person === null) return goTo(ENDPOINT_PATHS.accountLogin, deps)
  const sessions = (await liveSessionsOf(session.userId, deps)).map((live) => ({
    sid: live.sid,
    signedInAt: live.authTime,
    expiresAt: live.expiresAt,
    current: live.digest === session.digest,
  }))
  const model: AccountPage = {
    username: person.username,
    apps: await allowedApps(session.userId, deps),
    sessions,
    canChangePassword: deps.people.changePassword !== undefined,
    ...said,
  }
  return pageResult({ view: 'account', model }, status)
}

/** Runs `work` for the browser's session; without one, the person signs in first. */
async function signedIn(
  browser: Browser,
  deps: CoreContext,
  work: (session: Session) => Promise<EndpointResult>,
): Promise<EndpointResult> {
  const session = await findSession(browser.sessionId, deps)
  return session === null ? goTo(ENDPOINT_PATHS.accountLogin, deps) : work(session)
}

/** GET /account */
export function showAccount(browser: Browser, deps: CoreContext): Promise<EndpointResult> {
  return signedIn(browser, deps, (session) => accountPage(session, deps))
}

/** GET /account/login: the sign-in form, or the account page for a browser signed in already. */
export async function showAccountLogin(browser: Browser, deps: CoreContext): Promise<EndpointResult> {
  const session = await findSession(browser.sessionId, deps)
  return session === null ? loginPage(null) : goTo(ENDPOINT_PATHS.account, deps)
}

/** POST /account/login: the same throttled check as every sign-in form, then the account page. */
export async function submitAccountLogin(credentials: SignIn, deps: CoreContext): Promise<EndpointResult> {
  const { username } = credentials
  const person = await signInOrRefusal(credentials, deps)
  if (person instanceof OAuthError) return loginPage({ username, refusal: person })
  if (person === null) return loginPage({ username })
  const { cookie } = await startSession(person.id, deps)
  return { ...goTo(ENDPOINT_PATHS.account, deps), session: cookie }
}

/** POST /account/disconnect: the application loses its grants and the consent; it must ask again. */
export function disconnect(form: Form, browser: Browser, deps: CoreContext): Promise<EndpointResult> {
  return signedIn(browser, deps, async (session) => {
    const clientId = form.get('client_id') ?? ''
    const client = clientId.length <= 255 ? await deps.stores.clients.get(clientId) : null
    const ended = await disconnectClient({ userId: session.userId, clientId }, BY_PERSON, deps)
    const name = client?.name ?? 'The application'
    const notice = ended
      ? `${name} is disconnected: it can no longer renew its access, and must ask you again. An access token it already holds may work until it expires.`
      : `${name} was not connected to your account.`
    return accountPage(session, deps, { notice })
  })
}

/** POST /account/sessions/end: one of the person's own sessions, named by its sid; never anyone else's. */
export function endOneSession(form: Form, browser: Browser, deps: CoreContext): Promise<EndpointResult> {
  return signedIn(browser, deps, async (session) => {
    const sid = form.get('sid')
    const target = (await deps.stores.sessions.listByUser(session.userId)).find((own) => own.sid === sid)
    if (target === undefined) return accountPage(session, deps, { notice: 'That session had ended already.' })
    await endSession(target, BY_PERSON, deps)
    if (target.digest === session.digest) return goTo(ENDPOINT_PATHS.accountLogin, deps)
    return accountPage(session, deps, { notice: 'That session is signed out.' })
  })
}

/** POST /account/sessions/end-all: every session of the person, this browser's included. */
export function endAllSessions(browser: Browser, deps: CoreContext): Promise<EndpointResult> {
  return signedIn(browser, deps, async (session) => {
    await endSessionsOf(session.userId, null, BY_PERSON, deps)
    return goTo(ENDPOINT_PATHS.accountLogin, deps)
  })
}

/**
 * POST /account/password: the current password (checked, and throttled, like a sign-in), then the new one under
 * the rules every password follows, set through People. Whoever knew the old password may be signed in
 * elsewhere: every other session ends; this browser stays signed in.
 */
export function changeOwnPassword(form: Form, browser: Browser, deps: CoreContext): Promise<EndpointResult> {
  return signedIn(browser, deps, async (session) => {
    const refuse = (passwordError: string, status = 400) =>
      accountPage(session, deps, { passwordError }, status)
    const { changePassword } = deps.people
    if (changePassword === undefined) return refuse('Your password is changed where your account is kept.')
    const person = await deps.people.find(session.userId)
    if (person === null) return goTo(ENDPOINT_PATHS.accountLogin, deps)
    const password = form.get('new_password') ?? ''
    const problem = passwordProblem(password)
    if (problem !== null) return refuse(problem)
    if (password !== form.get('confirm_password')) return refuse('The two new passwords are not the same.')
    const current = { username: person.username, password: form.get('current_password') ?? '' }
    const checked = await signInOrRefusal({ ...current, address: browser.address }, deps)
    if (checked instanceof OAuthError) return refuse(checked.description, checked.status)
    if (checked?.id !== person.id) return refuse('Your current password is not correct.')
    if (!(await changePassword.call(deps.people, person.id, password))) {
      return goTo(ENDPOINT_PATHS.accountLogin, deps)
    }
    deps.events.emit({ event: 'password_changed', userId: person.id, address: browser.address })
    const ended = await endSessionsOf(person.id, session, PASSWORD_CHANGED, deps)
    const elsewhere = ended === 1 ? '1 other session was' : `${ended} other sessions were`
    return accountPage(session, deps, { notice: `Your password is changed. ${elsewhere} signed out.` })
  })
}
