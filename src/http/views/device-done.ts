import { html } from './html.ts'
import type { DeviceDonePage } from '../../core/model/pages.ts'
import { page, type PageFrame } from './layout.ts'

export type DeviceDoneView = DeviceDonePage & PageFrame

export function renderDeviceDone({ approved, clientName, basePath }: DeviceDoneView): string {
  const title = approved ? 'You can return to your device' : 'Access denied'
  const message = approved
    ? html`<span class="client-name">${clientName}</span> can now use your account. You can close this page.`
    : html`<span class="client-name">${clientName}</span> was not given access. You can close this page.`
  return page({
    basePath,
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>`,
  })
}
