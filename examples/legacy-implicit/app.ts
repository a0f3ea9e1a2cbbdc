import { type StaticSite, startStaticSite } from '../spa/static-site.ts'

/** Why the implicit flow is legacy, as the demo lists it. */
export const IMPLICIT_LEGACY_REASON =
  'RFC 9700 §2.1.2: the access token comes back in the URL, where history, logs and other scripts can take it, and nothing binds it to this client. Use authorization code with PKCE instead (the SPA example).'

export interface LegacyImplicitOptions {
  readonly issuer: string
  /** A public client created with allowLegacy: ['implicit'] and `<url>/callback` registered. */
  readonly clientId: string
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
  readonly scope?: string
}

export interface LegacyImplicit extends StaticSite {
  readonly redirectUri: string
}

const own = (name: string) => new URL(`public/${name}`, import.meta.url)
// The popup sign-in and its callback page are the SPA's: only the response type differs.
const spa = (name: string) => new URL(`../spa/public/${name}`, import.meta.url)

/** A static page that receives its access token in the URL fragment (RFC 6749 §4.2), kept only to show why not. */
export async function startLegacyImplicit(options: LegacyImplicitOptions): Promise<LegacyImplicit> {
  const site = await startStaticSite({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    files: {
      '/example.css': new URL('../example.css', import.meta.url),
      '/': own('index.html'),
      '/implicit.js': own('implicit.js'),
      '/callback': spa('callback.html'),
      '/callback.js': spa('callback.js'),
      '/oauth-browser.js': spa('oauth-browser.js'),
    },
    config: { issuer: options.issuer, clientId: options.clientId, scope: options.scope ?? 'profile' },
    connectTo: [new URL(options.issuer).origin],
  })
  return { ...site, redirectUri: `${site.url}/callback` }
}
