import assert from 'node:assert/strict'

/** A start tag as the browser would read it; values have their entities decoded. */
export interface Tag {
  readonly name: string
  readonly attributes: ReadonlyMap<string, string>
  readonly index: number
}

const startTag = /<([a-z][a-z0-9-]*)((?:\s+[a-z][a-z0-9:-]*(?:="[^"<>]*")?)*)\s*>/g
const attribute = /([a-z][a-z0-9:-]*)(?:="([^"]*)")?/g
const endTag = /<\/[a-z][a-z0-9-]*>/g
const entity = /&(amp|lt|gt|quot|#39);/g
const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }

export function decodeEntities(text: string): string {
  return text.replace(entity, (_, name: string) => entities[name] ?? '')
}

export function parseTags(document: string): Tag[] {
  return [...document.matchAll(startTag)].map((match) => ({
    name: match[1] ?? '',
    index: match.index,
    attributes: new Map(
      [...(match[2] ?? '').matchAll(attribute)].map((a) => [a[1] ?? '', decodeEntities(a[2] ?? '')] as const),
    ),
  }))
}

/** Once every tag is removed, no markup character may remain: all text was escaped. */
export function textOutsideTags(document: string): string {
  return document.replace('<!doctype html>', '').replaceAll(startTag, '').replaceAll(endTag, '')
}

export function tagsNamed(document: string, name: string): Tag[] {
  return parseTags(document).filter((tag) => tag.name === name)
}

/** The markup of each form, from its start tag to its end tag. */
export function forms(document: string): string[] {
  return [...document.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((match) => match[0])
}

export function hiddenFields(form: string): Map<string, string> {
  const hidden = tagsNamed(form, 'input').filter((tag) => tag.attributes.get('type') === 'hidden')
  return new Map(hidden.map((tag) => [tag.attributes.get('name') ?? '', tag.attributes.get('value') ?? '']))
}

/** The rules every page keeps (architecture §5). */
export function assertPageRules(document: string, csrfToken?: string): void {
  assert.ok(document.startsWith('<!doctype html>\n<html lang="en">'), 'doctype and lang="en"')
  assert.doesNotMatch(textOutsideTags(document), /[<>]/, 'text outside tags holds no markup characters')
  assert.ok(!document.toLowerCase().includes('<script'), 'no <script')
  assert.ok(!document.toLowerCase().includes('<style'), 'no <style')
  const tags = parseTags(document)
  for (const tag of tags) {
    assert.notEqual(tag.name, 'script', 'no script element')
    assert.notEqual(tag.name, 'style', 'no style element')
    for (const name of tag.attributes.keys()) {
      assert.notEqual(name, 'style', `no style attribute on <${tag.name}>`)
      assert.ok(!name.startsWith('on'), `no inline event handler ${name} on <${tag.name}>`)
    }
  }
  const meta = tags.filter((tag) => tag.name === 'meta')
  assert.ok(
    meta.some((tag) => tag.attributes.get('name') === 'viewport'),
    'viewport meta',
  )
  const link = tags.find((tag) => tag.name === 'link')
  assert.equal(link?.attributes.get('href'), '/assets/keyward.css')
  assert.equal(tags.filter((tag) => tag.name === 'h1').length, 1, 'exactly one h1')

  const ids = tags.flatMap((tag) => tag.attributes.get('id') ?? [])
  assert.equal(new Set(ids).size, ids.length, 'ids are unique')
  const labelled = tags.filter((tag) => tag.name === 'label').map((tag) => tag.attributes.get('for'))
  for (const input of tags.filter((tag) => tag.name === 'input' && tag.attributes.get('type') !== 'hidden')) {
    const id = input.attributes.get('id')
    assert.ok(id !== undefined, `input ${input.attributes.get('name')} has an id`)
    assert.equal(labelled.filter((target) => target === id).length, 1, `input ${id} has one <label for>`)
  }
  for (const button of tags.filter((tag) => tag.name === 'button')) {
    assert.equal(button.attributes.get('type'), 'submit', 'buttons say what they do')
  }
  for (const tag of tags) {
    for (const name of ['aria-describedby', 'aria-labelledby']) {
      for (const target of tag.attributes.get(name)?.split(' ') ?? []) {
        assert.ok(ids.includes(target), `${name} points at an element: ${target}`)
      }
    }
  }
  for (const form of forms(document)) {
    const [formTag] = parseTags(form)
    assert.equal(formTag?.attributes.get('method'), 'post', 'forms post')
    const csrf = tagsNamed(form, 'input').filter((tag) => tag.attributes.get('name') === 'csrf_token')
    assert.equal(csrf.length, 1, 'one csrf_token per form')
    assert.equal(csrf[0]?.attributes.get('type'), 'hidden')
    assert.equal(csrf[0]?.attributes.get('value'), csrfToken, 'csrf_token carries the given value')
  }
}
