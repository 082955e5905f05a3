// One failed save: its message for the alert above a form, and the field it points at.
import { reactive, ref } from 'vue'
import { ApiError } from '../api'

export function useFormError() {
  const message = ref('')
  const field = ref<string | null>(null)

  function show(e: unknown) {
    if (e instanceof ApiError) {
      message.value = e.message
      field.value = e.field
    } else {
      message.value = e instanceof Error ? e.message : String(e)
      field.value = null
    }
  }

  /** A problem caught before calling the backend (e.g. two passwords that differ). */
  function local(text: string, at: string | null) {
    message.value = text
    field.value = at
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

  return reactive({ message, field, show, local, clear, at })
}
