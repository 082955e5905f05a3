// One failed save: its message for the alert above a form, and the field it points at.
import { nextTick, reactive, ref } from 'vue'
import { ApiError } from '../api'

/**
 * `root`, when given, is the form: a new error scrolls its field (or the alert above the
 * form) into view, so a save pressed at the bottom of a long form never fails unseen.
 */
export type FormError = ReturnType<typeof useFormError>

export function useFormError(root?: () => Element | null | undefined) {
  const message = ref('')
  const field = ref<string | null>(null)

  async function reveal() {
    if (!root) return
    await nextTick()
    const form = root()
    const target = form?.querySelector('.el-form-item.is-error') ?? form?.querySelector('.el-alert')
    target?.scrollIntoView({ block: 'center' })
  }

  function show(e: unknown) {
    if (e instanceof ApiError) {
      message.value = e.message
      field.value = e.field
    } else {
      message.value = e instanceof Error ? e.message : String(e)
      field.value = null
    }
    reveal()
  }

  /** A problem caught before calling the backend (e.g. two passwords that differ). */
  function local(text: string, at: string | null) {
    message.value = text
    field.value = at
    reveal()
  }

  function clear() {
    message.value = ''
    field.value = null
  }

  /** The message to show under the form item for `name` ("classes" also matches "classes[2]"). */
  function at(name: string): string {
    const f = field.value
    return f && (f === name || f.startsWith(`${name}[`) || f.startsWith(`${name}.`)) ? message.value : ''
  }

  /** The user changed `name`: an error about it is out of date. */
  function forget(name: string) {
    if (at(name)) clear()
  }

  return reactive({ message, field, show, local, clear, at, forget })
}
