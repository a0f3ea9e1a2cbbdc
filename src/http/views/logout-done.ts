import { html } from './html.ts'
import type { LogoutDonePage } from '../../core/model/pages.ts'
import { page, type PageFrame } from './layout.ts'

export type LogoutDoneView = LogoutDonePage & PageFrame

export function renderLogoutDone({ signedOut, basePath }: LogoutDoneView): string {
  const title = signedOut ? 'You are signed out' : 'You are still signed in'
  const message = signedOut
    ? 'You are signed out of Keyward. You can close this page.'
    : 'You stayed signed in to Keyward. You can close this page.'
  return page({ basePath, title, body: html`<h1>${title}</h1>\n<p>${message}</p>` })
}
