import { html } from './html.ts'
import { alertMessage, page, postForm } from './layout.ts'

export interface DeviceEntryView {
  readonly action: string
  readonly csrfToken: string
  /** Prefilled from verification_uri_complete (RFC 8628 §3.3.1). */
  readonly userCode?: string
  readonly error?: string
}

export function renderDeviceEntry({ action, csrfToken, userCode, error }: DeviceEntryView): string {
  const hintId = 'user-code-hint'
  const errorId = 'user-code-error'
  const describedBy = error === undefined ? hintId : `${errorId} ${hintId}`
  const content = html`<div class="field">
<label for="user_code">Code</label>
<p class="hint" id="${hintId}">8 letters, with or without the dash.</p>
<input id="user_code" name="user_code" type="text" class="code-input" inputmode="text" autocapitalize="characters" autocomplete="one-time-code" spellcheck="false" placeholder="XXXX-XXXX" required autofocus value="${userCode ?? ''}" aria-describedby="${describedBy}"${error !== undefined && html` aria-invalid="true"`}>
</div>
<div class="actions">
<button type="submit" class="primary">Continue</button>
</div>`
  return page({
    title: 'Connect a device',
    body: html`<h1>Enter the code shown on your device</h1>
${error !== undefined && alertMessage(errorId, error)}
${postForm({ action, csrfToken, content })}`,
  })
}
