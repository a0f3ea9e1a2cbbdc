/** Lifetimes are whole seconds throughout Keyward, as `expires_in` is on the wire (RFC 6749 §5.1). */
export const MINUTE = 60
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** A lifetime for people to read, in the largest unit it reaches, to one decimal: `90 days`, `1.5 hours`. */
export function formatDuration(seconds: number): string {
  if (seconds >= DAY) return plural(seconds / DAY, 'day')
  if (seconds >= HOUR) return plural(seconds / HOUR, 'hour')
  if (seconds >= MINUTE) return plural(seconds / MINUTE, 'minute')
  return plural(seconds, 'second')
}

function plural(amount: number, unit: string): string {
  const rounded = Math.round(amount * 10) / 10
  return `${rounded} ${unit}${rounded === 1 ? '' : 's'}`
}
