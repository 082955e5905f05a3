// How a manager's eye should read the backups: green within two days of the last good one,
// a warning after that (or with none), red when today's automatic backup failed. Home and
// the Backups page show the same verdict.
import type { BackupOverview } from '../api'
import { nowMs } from '../dates'

export type BackupHealth = 'success' | 'warning' | 'error'

/** Whole days since the last good backup; null when there is none. */
export function backupAgeDays(overview: BackupOverview): number | null {
  if (!overview.latest) return null
  return Math.floor((nowMs() - Date.parse(overview.latest.made_at)) / 86_400_000)
}

export function backupHealth(overview: BackupOverview): BackupHealth {
  if (overview.problem) return 'error'
  const age = backupAgeDays(overview)
  return age == null || age >= 2 ? 'warning' : 'success'
}
