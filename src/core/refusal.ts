import { TooManyRequests } from './errors.ts'

/** A wait in words, rounded up: "45 seconds", "1 minute", "16 minutes". */
function inWords(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds))
  if (whole < 60) return `${whole} second${whole === 1 ? '' : 's'}`
  const minutes = Math.ceil(whole / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

/** The refusal of an attempt that must wait: says what happened and for how long, in words and in Retry-After. */
export function tooManyAttempts(what: string, retryAfterSeconds: number): TooManyRequests {
  return new TooManyRequests(`${what} Try again in ${inWords(retryAfterSeconds)}.`, retryAfterSeconds)
}
