import { randomBytes } from 'node:crypto'
import type { Accounts } from './accounts.ts'
import type { SignIn } from './sign-in.ts'

// The host application's own pages, written once for both frameworks: a home page that says who is signed in,
// /login that starts signing in through Keyward, /callback that finishes it. Each framework only sends the reply.

export interface HostReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

const SESSION = 'host_session'
const STATE = 'host_sign_in'

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

const redirect = (location: string, setCookie: string): HostReply => ({
  status: 303,
  headers: { location, 'set-cookie': `${setCookie}; Path=/; HttpOnly; SameSite=Lax` },
})

/** One of the host's pages: its path, and its reply to a request for it (the URL and the Cookie header). */
export interface HostPage {
  readonly path: string
  answer(url: URL, cookieHeader: string | undefined): Promise<HostReply>
}

export function hostPages(framework: string, accounts: Accounts, signIn: SignIn): readonly HostPage[] {
  // The host's own sessions: session id → account id.
  const sessions = new Map<string, string>()
  const home = async (_url: URL, cookieHeader: string | undefined): Promise<HostReply> => {
    const accountId = sessions.get(cookie(cookieHeader, SESSION) ?? '')
    const name = accountId === undefined ? undefined : accounts.displayName(accountId)
    const greeting =
      name === undefined
        ? '<p>You are not signed in. <a href="/login">Sign in</a></p>'
        : `<p>Signed in as <strong>${escape(name)}</strong>.</p>`
    const body = `<!doctype html><title>Host app (${framework})</title><h1>${framework} app, with Keyward inside</h1>${greeting}`
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body }
  }
  const login = async (): Promise<HostReply> => {
    const { location, state } = await signIn.start()
    return redirect(location, `${STATE}=${state}`)
  }
  const callback = async (url: URL, cookieHeader: string | undefined): Promise<HostReply> => {
    const accountId = await signIn.finish(url, cookie(cookieHeader, STATE) ?? '')
    const session = randomBytes(32).toString('base64url')
    sessions.set(session, accountId)
    return redirect('/', `${SESSION}=${session}`)
  }
  return [
    { path: '/', answer: home },
    { path: '/login', answer: login },
    { path: '/callback', answer: callback },
  ]
}
