import { html } from './html.ts'
import { page } from './layout.ts'

export interface DeviceDoneView {
  readonly approved: boolean
  readonly clientName: string
}

export function renderDeviceDone({ approved, clientName }: DeviceDoneView): string {
  const title = approved ? 'You can return to your device' : 'Access denied'
  const message = approved
    ? html`<span class="client-name">${clientName}</span> can now use your account. You can close this page.`
    : html`<span class="client-name">${clientName}</span> was not given access. You can close this page.`
  return page({
    title,
    body: html`<h1>${title}</h1>
<p>${message}</p>`,
  })
}
