// What the app learns before the first screen: the database state and city summary
// (appInfo) and whether someone is still signed in (after a reload of the window).
import { nextTick, ref } from 'vue'
import { api, ApiError, type AppInfo } from '../api'
import { syncClock } from '../dates'
import { actor } from './session'
import { restoreLocale } from './locale'

export const info = ref<AppInfo | null>(null)

let starting: Promise<void> | null = null
let readyAnnounced = false

function failedStart(e: unknown): AppInfo {
  const message = e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e)
  const code = e instanceof ApiError ? e.code : 'unknown'
  const empty = { districts: 0, living_circles: 0, communities: 0, elder_centres: 0, elder_stations: 0, childcare_units: 0, clients: 0, children: 0, staff: 0 }
  return { version: '', db_path: '', db_created: false, open_error: { code, field: null, params: {}, message }, needs_setup: false, locked: false, plain: false, registry_empty: true, demo_loaded: false, summary: empty }
}

/** Runs once: the language first (so Rust's messages match), then appInfo and the session. */
export function start(): Promise<void> {
  starting ??= (async () => {
    await restoreLocale()
    try {
      // Before any screen counts a day: "today" is the core's, in Wuhai's zone.
      await syncClock()
      info.value = await api.appInfo()
    } catch (e) {
      info.value = failedStart(e)
      return
    }
    if (!info.value.open_error && !info.value.needs_setup) {
      actor.value = await api.currentActor().catch(() => null)
    }
  })()
  return starting
}

export async function reloadInfo(): Promise<AppInfo> {
  const fresh = await api.appInfo()
  info.value = fresh
  return fresh
}

/** The first screen calls this once its data is on screen; a start-up benchmark times it. */
export async function announceReady(): Promise<void> {
  if (readyAnnounced) return
  readyAnnounced = true
  await nextTick()
  api.appReady().catch(() => undefined)
}
