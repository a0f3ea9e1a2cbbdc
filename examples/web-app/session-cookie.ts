// Cookies ignore ports, and the demo runs this app on the same host as Keyward: the name must not collide with its.
const NAME = 'keyward_example_web_session'
const ID = /^[A-Za-z0-9_-]{43}$/

export function readSessionId(cookieHeader: string | undefined): string | undefined {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2)
    if (name === NAME && value !== undefined && ID.test(value)) return value
  }
  return undefined
}

// HttpOnly: no script can read it; SameSite=Lax: sent on the top-level redirect back from the authorization server.
export function sessionCookie(id: string, secure: boolean): string {
  return `${NAME}=${id}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

export function expiredSessionCookie(secure: boolean): string {
  return `${NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}
