import { randomUUID } from 'node:crypto'

export interface Note {
  readonly id: string
  readonly text: string
}

// Each subject's notes, kept in memory: enough to show that a token's `sub` decides whose data an API serves.
export interface NoteStore {
  list(subject: string): readonly Note[]
  add(subject: string, text: string): Note
}

// Anyone with a valid token can add notes; the caps keep an in-memory example from growing without bound.
const MAX_SUBJECTS = 1_000
const MAX_NOTES_PER_SUBJECT = 50

function demoNotes(subject: string): Note[] {
  return [
    {
      id: randomUUID(),
      text: `Welcome, ${subject}: these notes are yours alone, picked by your token's sub.`,
    },
    { id: randomUUID(), text: 'Listing notes needs the read scope; adding one needs write.' },
  ]
}

export function createNoteStore(): NoteStore {
  const notes = new Map<string, Note[]>()
  const notesOf = (subject: string): Note[] => {
    const existing = notes.get(subject)
    if (existing !== undefined) return existing
    const oldest = notes.keys().next()
    if (notes.size >= MAX_SUBJECTS && oldest.done !== true) notes.delete(oldest.value)
    const created = demoNotes(subject)
    notes.set(subject, created)
    return created
  }
  return {
    list: (subject) => [...notesOf(subject)],
    add(subject, text) {
      const list = notesOf(subject)
      const note = { id: randomUUID(), text }
      list.push(note)
      if (list.length > MAX_NOTES_PER_SUBJECT) list.shift()
      return note
    },
  }
}
