// A receipt or statement just written as a PDF: opened in the PC's viewer to print. The
// file is made either way; when no viewer opens it, the clerk is told where it is.
import { ElMessage } from 'element-plus'
import { api, ApiError } from '../../api'

type T = (key: string, params?: Record<string, unknown>) => string

export async function openPrinted(path: string, t: T): Promise<void> {
  try {
    await api.reportOpen(path)
    ElMessage.success({ message: t('payments.printed', { path }), customClass: 'printed-message' })
  } catch (e) {
    const reason = e instanceof ApiError ? e.message : String(e)
    ElMessage.warning({ message: t('payments.printedNotOpened', { path, reason }), customClass: 'printed-message', duration: 8000 })
  }
}
