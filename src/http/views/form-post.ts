import type { FormPostPage } from '../../core/model/pages.ts'
import { html } from './html.ts'
import { page, type PageFrame } from './layout.ts'

export type FormPostView = FormPostPage & PageFrame

/**
 * OAuth 2.0 Form Post Response Mode §2: a form the browser posts to the client at once (assets/form-post.js, the
 * one script Keyward serves); without script, the person presses Continue.
 */
export function renderFormPost({ action, fields, basePath }: FormPostView): string {
  const hidden = Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`,
  )
  return page({
    basePath,
    title: 'Returning to the application',
    body: html`<h1>Returning to the application</h1>
<form method="post" action="${action}" id="form-post">
${hidden}<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>
<script src="${basePath ?? ''}/assets/form-post.js"></script>`,
  })
}
