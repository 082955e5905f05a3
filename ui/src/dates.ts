// Days and times as Wuhai counts them, by the core's clock.
//
// The core keeps the records in Wuhai's zone (China Standard Time, UTC+8 all year) by the
// clock the app hands it. The webview's own clock may be set to another zone (or, in the
// tests, another instant), so the screens never take "today", "this week" or the hour of
// the day from `new Date()`: they ask here. The clock is read from the core when the app
// starts and every minute after; between readings it advances with the webview's timer.
// Calendar days ("YYYY-MM-DD") are computed in UTC arithmetic, so no zone or daylight
// saving of the machine can shift them.
import { api } from './api'

const WUHAI_OFFSET_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000

/** Core's now minus the webview's now, from the last reading. */
let skewMs = 0
let timer: ReturnType<typeof setInterval> | null = null

/** Reads the core's clock (and keeps reading it each minute). */
export async function syncClock(): Promise<void> {
  const reading = await api.clockNow()
  skewMs = Date.parse(reading.now) - Date.now()
  timer ??= setInterval(() => {
    syncClock().catch(() => undefined)
  }, 60_000)
}

/** Now, in milliseconds since the epoch, by the core's clock. */
export function nowMs(): number {
  return Date.now() + skewMs
}

/** The Wuhai wall time of an instant, as a Date whose UTC fields hold it. */
function wuhaiWall(ms: number): Date {
  return new Date(ms + WUHAI_OFFSET_MS)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function isoOfWall(wall: Date): string {
  return `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`
}

/** Today in Wuhai, "YYYY-MM-DD". */
export function today(): string {
  return isoOfWall(wuhaiWall(nowMs()))
}

/** The hour of the day in Wuhai (0–23): which meal or check session it is. */
export function currentHour(): number {
  return wuhaiWall(nowMs()).getUTCHours()
}

function parseDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return Date.UTC(y, m - 1, d)
}

/** `day` ("YYYY-MM-DD") moved by `n` days. */
export function addDays(day: string, n: number): string {
  return isoOfWall(new Date(parseDay(day) + n * DAY_MS))
}

/** The ISO weekday of `day`: 1 Monday … 7 Sunday. */
export function isoWeekday(day: string): number {
  return ((new Date(parseDay(day)).getUTCDay() + 6) % 7) + 1
}

/** The Monday of the week `day` falls in (weeks run Monday to Sunday). */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day))
}

/** The Monday of this week in Wuhai. */
export function thisMonday(): string {
  return mondayOf(today())
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to) - parseDay(from)) / DAY_MS)
}

/** This month in Wuhai, "YYYY-MM". */
export function thisMonth(): string {
  return today().slice(0, 7)
}

/** The month before `month` ("YYYY-MM"). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`
}

/** An instant (UTC, ISO-8601) as a date and time in Wuhai, in the UI's language. */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  }).format(date)
}

/** An instant (UTC, ISO-8601) as a Wuhai wall time "YYYY-MM-DD HH:mm", as a form's
 * date-and-time field holds it. */
export function wallOf(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  const wall = wuhaiWall(ms)
  return `${isoOfWall(wall)} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`
}

/** Now in Wuhai, "YYYY-MM-DD HH:mm". */
export function nowWall(): string {
  return wallOf(new Date(nowMs()).toISOString())
}

/** "HH:mm" in Wuhai, for the day's board. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  const wall = wuhaiWall(ms)
  return `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`
}
