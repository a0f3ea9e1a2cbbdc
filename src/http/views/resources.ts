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
<span class="resource-name">${resource.name}</span>
<code class="resource-identifier">${resource.identifier}</code>
</li>`,
  )
  return html`<p class="resources-intro">with access to:</p>
<ul class="resources">
${items}
</ul>`
}
