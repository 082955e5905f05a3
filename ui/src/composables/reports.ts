// The monthly reports being made and made this session. Kept outside the page, so leaving
// 月报 while the city's report is written and coming back still shows its progress, and
// the list of files (with where they were saved) stays until the app is closed or the
// account signs out.
import { ref } from 'vue'
import { api } from '../api'
import type { ReportFormat } from '../bindings/ReportFormat'
import type { ReportProgress } from '../bindings/ReportProgress'
import type { SavedReport } from '../bindings/SavedReport'
import { whenSignedOut } from './session'

export const running = ref<ReportFormat | null>(null)
export const progress = ref<ReportProgress | null>(null)
export const made = ref<SavedReport[]>([])

// The list is the signed-in person's: whoever signs in next starts with an empty one.
whenSignedOut(() => (made.value = []))

/** Makes one report; refuses to start a second while one is being made. */
export async function makeReport(facilityId: number | null, month: string, format: ReportFormat): Promise<SavedReport | null> {
  if (running.value) return null
  running.value = format
  progress.value = null
  try {
    const saved = await api.reportMake(facilityId, month, format, (p) => (progress.value = p))
    made.value.unshift(saved)
    return saved
  } finally {
    running.value = null
  }
}
