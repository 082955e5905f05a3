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

/**
 * "9:00", "9：30", "930", "9点", "9点半", "下午3点" → "09:00", "09:30", "09:30", "09:00",
 * "09:30", "15:00". What cannot be read is left as typed, for Rust to say why.
 */
export function normalClock(raw: string): string {
  let s = raw
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/\s+/g, '')
  const afternoon = /^(下午|晚上)/.test(s)
  s = s.replace(/^(上午|早上|中午|下午|晚上)/, '').replace(/点半$/, ':30').replace(/分$/, '').replace(/[：.．。点时]/, ':')
  let h: string
  let m: string
  if (/^\d{1,2}:?$/.test(s)) [h, m] = [s.replace(':', ''), '0']
  else if (/^\d{3,4}$/.test(s)) [h, m] = [s.slice(0, -2), s.slice(-2)]
  else if (/^\d{1,2}:\d{1,2}$/.test(s)) [h, m] = s.split(':')
  else return raw.trim()
  let hour = Number(h)
  const minute = Number(m)
  if (afternoon && hour < 12) hour += 12
  if (hour > 24 || minute >= 60 || (hour === 24 && minute > 0)) return raw.trim()
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`
}

/** A staff member's name, with the phone's last four digits when another shares it. */
export function staffLabel(s: { id: number; name: string; phone_tail: string | null }, all: { id: number; name: string }[]): string {
  const twin = all.some((o) => o.id !== s.id && o.name === s.name)
  return twin && s.phone_tail ? `${s.name}·${s.phone_tail}` : s.name
}
