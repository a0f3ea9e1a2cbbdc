import type { ResourceDescription } from '../../core/model/pages.ts'
import { html, type SafeHtml } from './html.ts'

/**
 * RFC 8707: the APIs the tokens will be for, by the names their operator gave them, so that a person sees which
 * services the application will reach; nothing when the tokens are for this server's own audience.
 */
export function resourceList(resources: readonly ResourceDescription[] | undefined): SafeHtml | null {
  if (resources === undefined || resources.length === 0) return null
  const items = resources.map(
    (resource) => html`<li>
<span class="scope-description resource-name">${resource.name}</span>
<code class="scope-name resource-identifier">${resource.identifier}</code>
</li>`,
  )
  // Laid out as the scopes are (keyward.css), under a line that says what the list is.
  return html`<p class="resources-intro">At these services:</p>
<ul class="scopes resources">
${items}
</ul>`
}
