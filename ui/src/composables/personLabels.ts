// How a person's age, kind-dependent detail and care level read in the current language.
import { useI18n } from 'vue-i18n'
import type { PersonHit } from '../bindings/PersonHit'
import { CARE_LEVELS } from '../constants'

export function usePersonLabels() {
  const { t, te } = useI18n()

  /** "78岁"; a child as "2岁3个月", or "8个月" under one year. */
  function age(years: number | null, months: number | null): string {
    if (months != null) {
      const y = Math.floor(months / 12)
      const m = months % 12
      return y > 0 ? t('people.ageYearsMonths', { y, m }) : t('people.ageMonths', { m })
    }
    return years != null ? t('people.ageYears', { y: years }) : ''
  }

  /** A client's status, a child's class (as stored), a staff member's job. */
  function detail(hit: PersonHit): string {
    if (!hit.detail) return ''
    if (hit.kind === 'client') return te(`clientStatus.${hit.detail}`) ? t(`clientStatus.${hit.detail}`) : hit.detail
    if (hit.kind === 'staff') return te(`jobs.${hit.detail}`) ? t(`jobs.${hit.detail}`) : hit.detail
    return hit.detail
  }

  /**
   * What a picker shows after the name to tell people apart: a child's class, a staff
   * member's job, a client's status only when it is not the usual "active".
   */
  function pickerNote(hit: PersonHit): string {
    return hit.kind === 'client' && hit.detail === 'active' ? '' : detail(hit)
  }

  /** The label of a numeric level (0 intact … 4 total). */
  function careLevel(level: number | null | undefined): string {
    if (level == null) return ''
    const key = CARE_LEVELS[level]
    return key ? t(`assessment.levels.${key}`) : String(level)
  }

  return { age, detail, pickerNote, careLevel }
}
