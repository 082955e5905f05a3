// This PC and the city hub (docs/sync.md), kept in one place: the status line in the header
// and the Sync page read it. The status is read every 10 seconds while someone is signed in
// (the app itself exchanges with the hub every 15, unless set otherwise: `every_seconds`); `syncRevision` goes up whenever records
// arrived from other PCs, by the background's round (the `sync-pulled` event) or by "sync
// now", so the screens that show them (the desk's board) read them again at once.
import { ref, watch } from 'vue'
import { listen } from '@tauri-apps/api/event'
import { api } from '../api'
import type { Exchanged } from '../bindings/Exchanged'
import type { SyncOverview } from '../bindings/SyncOverview'
import { actor } from './session'

export const syncStatus = ref<SyncOverview | null>(null)
export const syncRevision = ref(0)

const EVERY_MS = 10_000
let timer: ReturnType<typeof setInterval> | null = null

export async function refreshSyncStatus(): Promise<void> {
  if (!actor.value) {
    syncStatus.value = null
    return
  }
  try {
    syncStatus.value = await api.syncStatus()
  } catch {
    // A failed read keeps the last status: the next round tries again.
  }
}

/** Exchanges with the hub now; the status line shows the outcome either way. */
export async function syncNow(): Promise<Exchanged | null> {
  try {
    const done = await api.syncNow()
    if (done && done.pulled.rows > 0) syncRevision.value++
    return done
  } finally {
    await refreshSyncStatus()
  }
}

listen('sync-pulled', () => {
  syncRevision.value++
  void refreshSyncStatus()
}).catch(() => {
  // Outside Tauri (a plain browser): no background sync to hear.
})

watch(
  actor,
  (who) => {
    if (timer) clearInterval(timer)
    timer = who ? setInterval(refreshSyncStatus, EVERY_MS) : null
    void refreshSyncStatus()
  },
  { immediate: true },
)
