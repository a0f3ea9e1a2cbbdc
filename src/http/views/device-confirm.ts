import { html } from './html.ts'
import type { DeviceConfirmPage } from '../../core/model/pages.ts'
import { accessRequest, decisionButtons, type FormFrame, page, postForm, signedInAs } from './layout.ts'
import { resourceList } from './resources.ts'

export type DeviceConfirmView = DeviceConfirmPage & FormFrame

// RFC 8628 §5.4: a remote attacker can send a user a code; the page names the client and says so plainly.
export function renderDeviceConfirm({
  action,
  csrfToken,
  clientName,
  username,
  userCode,
  scopes,
  hiddenFields,
  basePath,
  resources,
}: DeviceConfirmView): string {
  return page({
    basePath,
    title: `Allow ${clientName} on your device?`,
    body: html`${accessRequest(clientName, scopes)}
${resourceList(resources)}
<div class="code-compare">
<p>Check that your device shows this code:</p>
<p class="user-code">${userCode}</p>
</div>
<p class="warning"><strong>Only continue if you started this on your own device.</strong> If someone sent you this code, deny: they are trying to get access to your account.</p>
${signedInAs(username)}
${postForm({ action, csrfToken, hiddenFields, content: decisionButtons })}`,
  })
}
