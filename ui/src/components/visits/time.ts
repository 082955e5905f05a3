// Visit times travel as minutes after local midnight; people read and type "HH:MM".

export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** "09:00–10:00" for a visit starting at `start` lasting `duration` minutes. */
export function span(start: number, duration: number): string {
  return `${clock(start)}–${clock(start + duration)}`
}

/** Hours with at most one decimal, e.g. 4.5, for weekly totals. */
export function hours(minutes: number): string {
  return String(Math.round(minutes / 6) / 10)
}
