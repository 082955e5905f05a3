// A failed save: its messages for the alert above a form, and the fields they point at.
// Rust refuses one rule at a time; the form's own checks (what is missing) report every
// field at once, so a clerk fixes them all in one pass.
import { computed, nextTick, reactive, ref } from 'vue'
import { ApiError } from '../api'

/**
 * `root`, when given, is the form: a new error scrolls its field (or the alert above the
 * form) into view, so a save pressed at the bottom of a long form never fails unseen.
 */
export type FormError = ReturnType<typeof useFormError>

interface Problem {
  message: string
  field: string | null
}

export function useFormError(root?: () => Element | null | undefined) {
  const problems = ref<Problem[]>([])
  /** Every message, one after another, for the alert above the form. */
  const message = computed(() => problems.value.map((p) => p.message).join(' '))
  /** The (first) field at fault. */
  const field = computed(() => problems.value[0]?.field ?? null)

  async function reveal() {
    if (!root) return
    await nextTick()
    const form = root()
    const target = form?.querySelector('.el-form-item.is-error') ?? form?.querySelector('.el-alert')
    target?.scrollIntoView({ block: 'center' })
  }

  function show(e: unknown) {
    if (e instanceof ApiError) problems.value = [{ message: e.message, field: e.field }]
    else problems.value = [{ message: e instanceof Error ? e.message : String(e), field: null }]
    reveal()
  }

  /** A problem caught before calling the backend (e.g. two passwords that differ). */
  function local(text: string, at: string | null) {
    problems.value = [{ message: text, field: at }]
    reveal()
  }

  /** Several problems caught before calling the backend, each at its field. */
  function localAll(list: Problem[]) {
    problems.value = [...list]
    reveal()
  }

  function clear() {
    problems.value = []
  }

  const covers = (f: string | null, name: string) => !!f && (f === name || f.startsWith(`${name}[`) || f.startsWith(`${name}.`))

  /** The message to show under the form item for `name` ("classes" also matches "classes[2]"). */
  function at(name: string): string {
    return problems.value.find((p) => covers(p.field, name))?.message ?? ''
  }

  /** The user changed `name`: an error about it is out of date (the others still stand). */
  function forget(name: string) {
    if (at(name)) problems.value = problems.value.filter((p) => !covers(p.field, name))
  }

  return reactive({ message, field, show, local, localAll, clear, at, forget })
}

/**
 * A save that runs once at a time: `busy` while it runs (the button's spinner), the form's
 * problems cleared before it and shown when it fails. `run` resolves to what `work`
 * returned, or `undefined` when it failed or a save was already running; `onError` sees
 * the failure too (after it is shown), for a form that reacts to a particular code.
 */
export function useSubmit(error: FormError) {
  const busy = ref(false)

  async function run<T>(work: () => Promise<T>, onError?: (e: unknown) => void): Promise<T | undefined> {
    if (busy.value) return undefined
    busy.value = true
    error.clear()
    try {
      return await work()
    } catch (e) {
      error.show(e)
      onError?.(e)
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, run }
}
