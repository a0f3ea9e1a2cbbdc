import type { Page } from '../../core/model/pages.ts'
import { renderConsent } from './consent.ts'
import { renderDeviceConfirm } from './device-confirm.ts'
import { renderDeviceDone } from './device-done.ts'
import { renderDeviceEntry } from './device-entry.ts'
import { renderError } from './error.ts'
import type { FormFrame } from './layout.ts'
import { renderLogin } from './login.ts'

/** The HTML of a page the core chose; `frame` gives its forms what only the browser's side knows. */
export function renderPage(page: Page, frame: () => FormFrame): string {
  switch (page.view) {
    case 'login':
      return renderLogin({ ...page.model, ...frame() })
    case 'consent':
      return renderConsent({ ...page.model, ...frame() })
    case 'device-entry':
      return renderDeviceEntry({ ...page.model, ...frame() })
    case 'device-confirm':
      return renderDeviceConfirm({ ...page.model, ...frame() })
    case 'device-done':
      return renderDeviceDone(page.model)
    case 'error':
      return renderError(page.model)
  }
}
