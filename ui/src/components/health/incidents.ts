// The codes of an incident report's choices, in the order the form offers them (their words
// are under `incidents.` in the i18n files).
import type { Incident } from '../../bindings/Incident'
import type { IncidentKind } from '../../bindings/IncidentKind'
import type { Severity } from '../../bindings/Severity'

/** GB 38600-2019's nine risks, then "other" (docs/domain.md, "Incidents"). */
export const INCIDENT_KINDS: IncidentKind[] = [
  'fall',
  'bed_fall',
  'choking',
  'wrong_intake',
  'scald',
  'pressure_injury',
  'harm',
  'wandering',
  'activity_accident',
  'other',
]

export const SEVERITIES: Severity[] = ['none', 'minor', 'serious']

/** How the family is usually told; the clerk may type another way. */
export const TOLD_HOW = ['phone', 'in_person', 'message'] as const


/** The colour of a report's severity tag: serious in red, a minor injury amber. */
export function severityTag(i: Incident): 'danger' | 'warning' | 'info' {
  return i.serious ? 'danger' : i.severity === 'minor' ? 'warning' : 'info'
}
