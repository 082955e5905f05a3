// The desk's one search box: results as you type, a selected row moved with the arrow keys,
// and `settle()` so Enter pressed right after typing acts on the results for what was typed,
// never on stale ones. Every keystroke searches at once: the core answers in well under a
// millisecond at city scale, so waiting for the typing to pause would only make the clerk
// wait (bench/ui.py measures keystroke to painted results); answers that come back after a
// later keystroke's are dropped.
import { computed, ref, watch } from 'vue'
import { api } from '../api'
import type { PersonHit } from '../bindings/PersonHit'
import type { PersonKind } from '../bindings/PersonKind'

export function useDeskSearch(kinds: PersonKind[], limit: number, onError: (e: unknown) => void) {
  const text = ref('')
  const hits = ref<PersonHit[]>([])
  const selected = ref(0)
  /** The text the rows shown were found for. */
  const shownFor = ref('')
  let sequence = 0
  let pending: Promise<void> = Promise.resolve()

  async function run() {
    const mine = ++sequence
    const query = text.value.trim()
    if (!query) {
      hits.value = []
      selected.value = 0
      shownFor.value = ''
      return
    }
    try {
      const found = await api.peopleSearch(query, kinds, limit)
      if (mine !== sequence) return
      // People who check in come first; staff (found, but never checked in here) after them.
      shownFor.value = query
      hits.value = [...found.filter((h) => h.kind !== 'staff'), ...found.filter((h) => h.kind === 'staff')]
      selected.value = 0
    } catch (e) {
      if (mine === sequence) onError(e)
    }
  }

  watch(text, () => {
    if (!text.value.trim()) {
      sequence++
      hits.value = []
      selected.value = 0
      shownFor.value = ''
      return
    }
    pending = run()
  })

  /** Waits for the results of what is typed now. */
  async function settle() {
    await pending
  }

  function move(delta: number) {
    if (!hits.value.length) return
    selected.value = (selected.value + delta + hits.value.length) % hits.value.length
  }

  function clear() {
    text.value = ''
  }

  const current = computed<PersonHit | null>(() => hits.value[selected.value] ?? null)

  return { text, hits, selected, shownFor, current, settle, move, clear }
}
