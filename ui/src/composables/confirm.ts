// Asking before an act that changes something for good (cancel a booking, restore a
// backup, mark a client deceased): Element Plus's confirm box, as a yes/no answer instead of
// a promise that throws on "no".
import { ElMessageBox } from 'element-plus'
import type { ElMessageBoxOptions } from 'element-plus'

export interface Ask {
  message: string
  /** The button that goes ahead, named for the act ("取消订餐", not "OK"). */
  yes: string
  /** The button that leaves things as they are. */
  no: string
  title?: string
  /** The act destroys or ends something: its button is red. */
  danger?: boolean
  /** Anything else Element Plus takes (the unsaved-changes guard makes Escape a plain "no"). */
  options?: Partial<ElMessageBoxOptions>
}

/** True when the user chose `yes`. */
export async function confirmed(ask: Ask): Promise<boolean> {
  try {
    await ElMessageBox.confirm(ask.message, ask.title ?? '', {
      type: 'warning',
      confirmButtonText: ask.yes,
      cancelButtonText: ask.no,
      ...(ask.danger ? { confirmButtonClass: 'el-button--danger' } : {}),
      ...ask.options,
    })
    return true
  } catch {
    return false
  }
}
