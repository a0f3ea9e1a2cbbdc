import { html } from './html.ts'
import type { DeviceEntryPage } from '../../core/model/pages.ts'
import { alertMessage, type FormFrame, page, postForm } from './layout.ts'

export type DeviceEntryView = DeviceEntryPage & FormFrame

export function renderDeviceEntry({ action, csrfToken, userCode, error, basePath }: DeviceEntryView): string {
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
    basePath,
    title: 'Connect a device',
    body: html`<h1>Enter the code shown on your device</h1>
${error !== undefined && alertMessage(errorId, error)}
${postForm({ action, csrfToken, content })}`,
  })
}
