import { apiBaseUrl } from '../web-app/api-client.ts'
import { type StaticSite, startStaticSite } from './static-site.ts'

export interface SpaOptions {
  readonly issuer: string
  /**
   * A public client (no secret: everything in a browser is readable) with `<url>/callback` registered, and
   * `<url>/` as its post_logout_redirect_uri (RP-Initiated Logout).
   */
  readonly clientId: string
  /** The API the signed-in page calls with its access token. */
  readonly apiUrl: string
  // 0 picks any free port.
  readonly port: number
  readonly host?: string
  readonly scope?: string
}

export interface Spa extends StaticSite {
  readonly redirectUri: string
}

const file = (name: string) => new URL(`public/${name}`, import.meta.url)

/** The SPA's files: the whole OAuth client runs in the browser, in public/app.js. */
export async function startSpa(options: SpaOptions): Promise<Spa> {
  const site = await startStaticSite({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    files: {
      '/example.css': new URL('../example.css', import.meta.url),
      '/': file('index.html'),
      '/app.js': file('app.js'),
      '/callback': file('callback.html'),
      '/callback.js': file('callback.js'),
      '/oauth-browser.js': file('oauth-browser.js'),
    },
    config: {
      issuer: options.issuer,
      clientId: options.clientId,
      scope: options.scope ?? 'openid profile read',
    },
    // Metadata, token, UserInfo and revocation endpoints: Keyward allows them cross-origin (CORS).
    connectTo: [new URL(options.issuer).origin],
    // The example API sends no CORS headers, so the page reaches it through /api/ on its own origin.
    api: apiBaseUrl(options.apiUrl),
  })
  return { ...site, redirectUri: `${site.url}/callback` }
}
