import type { Page } from '../../core/model/pages.ts'
import { renderAccount } from './account.ts'
import { renderConsent } from './consent.ts'
import { renderDeviceConfirm } from './device-confirm.ts'
import { renderDeviceDone } from './device-done.ts'
import { renderDeviceEntry } from './device-entry.ts'
import { renderError } from './error.ts'
import { renderFormPost } from './form-post.ts'
import { renderLogin } from './login.ts'
import { renderLogoutConfirm } from './logout-confirm.ts'
import { renderLogoutDone } from './logout-done.ts'

/**
 * The HTML of a page the core chose. Its form posts under the issuer's path; `csrfToken` is asked for only by
 * pages with a form (it may set the CSRF cookie).
 */
export function renderPage(page: Page, basePath: string, csrfToken: () => string): string {
  const form = <Model extends { readonly action: string }>(model: Model) => ({
    ...model,
    action: `${basePath}${model.action}`,
    csrfToken: csrfToken(),
    basePath,
  })
  switch (page.view) {
    case 'login':
      return renderLogin(form(page.model))
    case 'consent':
      return renderConsent(form(page.model))
    case 'device-entry':
      return renderDeviceEntry(form(page.model))
    case 'device-confirm':
      return renderDeviceConfirm(form(page.model))
    case 'device-done':
      return renderDeviceDone({ ...page.model, basePath })
    case 'error':
      return renderError({ ...page.model, basePath })
    case 'form-post':
      return renderFormPost({ ...page.model, basePath })
    case 'account':
      return renderAccount({ ...page.model, csrfToken: csrfToken(), basePath })
    case 'logout-confirm':
      return renderLogoutConfirm(form(page.model))
    case 'logout-done':
      return renderLogoutDone({ ...page.model, basePath })
  }
}
