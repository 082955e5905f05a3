// An instant hint while a resident ID number (GB 11643-1999) is typed. The real check runs
// in Rust on save; this mirrors it so the clerk sees the birth date, the sex and a wrong
// check character before pressing save.
import type { Sex } from './bindings/Sex'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'

export type IdHint =
  | { state: 'empty' }
  | { state: 'typing'; length: number }
  | { state: 'characters' | 'birth_date' | 'check_char' }
  | { state: 'ok'; birthDate: string; sex: Sex }

/** The check character for the first seventeen digits. */
export function checkChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK_CHARS[sum % 11]
}

function realDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

export function idHint(raw: string | null | undefined): IdHint {
  const id = (raw ?? '').trim().toUpperCase()
  if (!id) return { state: 'empty' }
  if (id.length < 18) return /^\d*$/.test(id) ? { state: 'typing', length: id.length } : { state: 'characters' }
  if (id.length > 18 || !/^\d{17}[\dX]$/.test(id)) return { state: 'characters' }
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))]
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (!realDate(y, m, d) || y < 1870) return { state: 'birth_date' }
  if (checkChar(id) !== id[17]) return { state: 'check_char' }
  return { state: 'ok', birthDate, sex: Number(id[16]) % 2 === 1 ? 'male' : 'female' }
}

/**
 * The identity part of a form as Rust expects it. With a number that checks out (or, when
 * editing, a blank number and one on file) sex and birth date are left to Rust to derive;
 * otherwise the typed ones are sent and Rust explains what is missing or wrong.
 */
export function identityInput(idNumber: string, sex: Sex | null, birthDate: string | null, onFile: boolean) {
  const id = idNumber.trim().toUpperCase()
  const derived = (!id && onFile) || idHint(id).state === 'ok'
  return {
    id_number: id || null,
    sex: derived ? null : sex,
    birth_date: derived ? null : birthDate || null,
  }
}

/** A field a person form left empty, named as Rust names it, with the key of its message. */
export interface Missing {
  field: string
  key: string
}

/**
 * What a person's identity is missing, every field at once: the name, the ethnicity, and
 * — with no ID number typed (nor one on file) — sex and birth date. A number typed but
 * wrong is Rust's to explain; it then needs neither.
 */
export function missingIdentity(p: { name: string; ethnicity: string; idNumber: string; sex: Sex | null; birthDate: string | null }, onFile: boolean): Missing[] {
  const missing: Missing[] = []
  if (!p.name.trim()) missing.push({ field: 'name', key: 'errors.person.name_empty' })
  if (!p.ethnicity.trim()) missing.push({ field: 'ethnicity', key: 'errors.person.ethnicity_empty' })
  if (!p.idNumber.trim() && !onFile) {
    if (p.sex == null) missing.push({ field: 'sex', key: 'errors.person.sex_required' })
    if (!p.birthDate) missing.push({ field: 'birth_date', key: 'errors.person.birth_required' })
  }
  return missing
}
