// Display helpers. Dates and times (in Wuhai's zone, by the core's clock) are in dates.ts.

export function prettyJson(raw: string | null): string {
  if (!raw) return ''
  try {
    return JSON.stringify(JSON.parse(raw), null, 2)
  } catch {
    return raw
  }
}

/**
 * A number as typed on a Chinese keyboard: full-width digits (１２０), a full-width or
 * ideographic point (．。) or a comma (， ,) for the decimal point. `null` when empty,
 * `NaN` when it is not a plain decimal number (letters, 0x41, 1e3, two points).
 */
export function parseTypedNumber(raw: string): number | null {
  const text = raw
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/[．。，,]/g, '.')
    .replace(/^[＋+]/, '')
    .replace(/^－/, '-')
  if (!text) return null
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN
}

/** Fen as yuan with two decimals: 36050 → "360.50". */
export function yuan(fen: number): string {
  return (fen / 100).toFixed(2)
}

/**
 * Yuan as typed (see `parseTypedNumber`) in whole fen; `null` when it is not an amount with
 * at most two decimals. Zero and below pass: the core says why they are refused.
 */
export function fenOf(raw: string): number | null {
  const n = parseTypedNumber(raw)
  if (n == null || Number.isNaN(n)) return null
  const fen = Math.round(n * 100)
  return Math.abs(n * 100 - fen) < 1e-6 ? fen : null
}

/** A child's age in whole months as people say it: "23 月龄" under two, "4岁3个月" after. */
export function formatAgeMonths(months: number, t: (key: string, params?: Record<string, unknown>) => string): string {
  if (months < 24) return t('common.ageMonths', { n: months })
  const years = Math.floor(months / 12)
  const rest = months % 12
  return rest ? t('common.ageYearsMonths', { y: years, m: rest }) : t('common.ageYears', { y: years })
}

/** A reading's value with its unit, from the reading's code (`bp.urgent` → mmHg). */
export function readingWithUnit(code: string, value: string): string {
  const unit: Record<string, string> = { bp: 'mmHg', glucose: 'mmol/L', spo2: '%', temp: '°C', hr: '/min' }
  const u = unit[code.split('.')[0]]
  return u ? `${value} ${u}` : value
}
