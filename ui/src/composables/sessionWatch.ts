// Ends the session on this screen when it has ended: the account was disabled or its
// password reset (in this app or another), or nobody used the PC for the minutes the city
// set. The app goes back to the sign-in page, which shows nothing personal, and says why.
// Rust holds the same limits: a command after them is refused as "not signed in".
import { onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'
import { ElMessageBox } from 'element-plus'
import { api } from '../api'
import { actor } from './session'
import { abandonAll } from './unsavedGuard'

/** How often the window asks whether the session still stands: well within a minute. */
const CHECK_EVERY_MS = 20_000
/** Use is reported to Rust at most this often. */
const TOUCH_EVERY_MS = 15_000
const USE: Array<keyof WindowEventMap> = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart']

export type SessionEnd = 'idle' | 'ended'

export function useSessionWatch() {
  const router = useRouter()
  let lastUse = Date.now()
  let lastTouch = 0
  let idleMs = 15 * 60_000
  let timer: number | undefined
  let ending = false

  function used() {
    lastUse = Date.now()
    if (lastUse - lastTouch > TOUCH_EVERY_MS) {
      lastTouch = lastUse
      api.sessionTouch().catch(() => undefined)
    }
  }

  async function end(why: SessionEnd) {
    if (ending) return
    ending = true
    window.clearInterval(timer)
    // Nothing of the last person's work stays on screen, not even a question about it.
    abandonAll()
    ElMessageBox.close()
    await api.signOut().catch(() => undefined)
    actor.value = null
    await router.replace({ name: 'sign-in', query: { ended: why } })
  }

  async function check() {
    if (!actor.value || ending) return
    if (Date.now() - lastUse >= idleMs) return end('idle')
    try {
      const status = await api.sessionCheck()
      if (!status) return end('idle')
      if (!status.valid) return end('ended')
      idleMs = status.idle_minutes * 60_000
    } catch {
      // A failed check is asked again in a moment.
    }
  }

  onMounted(() => {
    for (const e of USE) window.addEventListener(e, used, { passive: true, capture: true })
    timer = window.setInterval(check, CHECK_EVERY_MS)
    void check()
  })
  onBeforeUnmount(() => {
    for (const e of USE) window.removeEventListener(e, used, { capture: true })
    window.clearInterval(timer)
  })
}
