// The open urgent alerts of the signed-in account's reach (its facility, or the city), kept
// in one place: the badge on 健康, the window title ("(3) CareCircle …") and the home page
// read it. It is refreshed every minute while someone is signed in, and at once after a
// checkup is saved or an alert handled on this PC.
import { ref, watch } from 'vue'
import { getCurrentWindow } from '@tauri-apps/api/window'
import { api } from '../api'
import { actor, canAssess } from './session'
import { i18n } from '../i18n'

export const openAlerts = ref(0)

const EVERY_MS = 60_000
let timer: ReturnType<typeof setInterval> | null = null

async function showInTitle(n: number) {
  const base = i18n.global.t('app.fullName')
  const title = n > 0 ? i18n.global.t('shell.titleWithAlerts', { n, title: base }) : base
  document.title = title
  try {
    await getCurrentWindow().setTitle(title)
  } catch {
    // Outside Tauri (a plain browser): the document title is all there is.
  }
}

/** Reads the count again (whoever records checkups; a front desk has no health pages). */
export async function refreshAlertCount(): Promise<void> {
  if (!canAssess.value) {
    openAlerts.value = 0
  } else {
    try {
      openAlerts.value = await api.alertsOpenCount()
    } catch {
      // A failed read keeps the last count: the next minute tries again.
    }
  }
  await showInTitle(openAlerts.value)
}

// The title speaks the chosen language.
watch(() => i18n.global.locale.value, () => void showInTitle(openAlerts.value))

watch(
  actor,
  (who) => {
    if (timer) clearInterval(timer)
    timer = who ? setInterval(refreshAlertCount, EVERY_MS) : null
    void refreshAlertCount()
  },
  { immediate: true },
)
