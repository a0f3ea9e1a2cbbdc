// An HTML fragment whose text is already escaped; build it only with html`…` so every value is escaped once.
export interface Html {
  readonly escaped: string
}

type Value = string | number | Html | readonly Html[]

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char)
}

function render(value: Value): string {
  if (typeof value === 'string' || typeof value === 'number') return escapeHtml(String(value))
  if ('escaped' in value) return value.escaped
  return value.map((fragment) => fragment.escaped).join('')
}

export function html(strings: TemplateStringsArray, ...values: readonly Value[]): Html {
  const escaped = values.reduce<string>(
    (out, value, index) => out + render(value) + (strings[index + 1] ?? ''),
    strings[0] ?? '',
  )
  return { escaped }
}
