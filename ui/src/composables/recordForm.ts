// What every form that saves one record (a client, a child, a staff member, a facility)
// shares: the error shown above it and at its fields, the busy flag that keeps a double
// click from saving twice, the unsaved-changes guard, and the save and cancel steps.
import { useTemplateRef } from 'vue'
import { useFormError, useSubmit } from './formError'
import { useUnsavedGuard } from './unsavedGuard'

export function useRecordForm<Input, Saved>(opts: {
  /** The form's state: dirty while it differs from what the form opened with. */
  form: object
  /** The input for the backend, or null after reporting what is missing. */
  toInput: () => Input | null
  /** Creates or updates the record. */
  send: (input: Input) => Promise<Saved>
  saved: (record: Saved) => void
  cancelled: () => void
}) {
  // The template's <el-form ref="recordForm">: a new error scrolls to its field.
  const formRef = useTemplateRef<{ $el: Element }>('recordForm')
  const error = useFormError(() => formRef.value?.$el)
  const { busy, run } = useSubmit(error)
  const unsaved = useUnsavedGuard(() => opts.form)

  async function save() {
    if (busy.value) return
    error.clear()
    const input = opts.toInput()
    if (input === null) return
    await run(async () => {
      const record = await opts.send(input)
      unsaved.markClean()
      opts.saved(record)
    })
  }

  /** Leaves the form, after asking if it has unsaved changes. */
  async function cancel() {
    if (await unsaved.confirmDiscard()) opts.cancelled()
  }

  return { error, busy, save, cancel }
}
