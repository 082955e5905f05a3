// How the window calls the core: `call` wraps Tauri's invoke so a command's failure arrives as
// an ApiError with a typed code. The wrappers themselves are generated from the Rust commands
// (./bindings/commands.ts); nothing here names a command.
import { invoke, Channel } from '@tauri-apps/api/core'
import type { ErrorPayload } from './bindings/ErrorPayload'
import type zhCN from './i18n/zh-CN.json'

/** The dotted paths of a message tree: `{ auth: { locked: '…' } }` gives `'auth.locked'`. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>
}[keyof T & string]

/**
 * Every code an error can carry. The core's tests hold each code it sends to a message under
 * `errors.` in both languages, so the message catalogue is the list: comparing with a code
 * that has no message (a typo, a code since renamed) does not compile.
 */
export type ErrorCode = Leaves<(typeof zhCN)['errors']>

/** A command's failure: `code` is stable, `message` is ready to show in the UI language. */
export class ApiError extends Error {
  constructor(public payload: ErrorPayload) {
    super(payload.message)
  }
  get code(): ErrorCode {
    return this.payload.code as ErrorCode
  }
  get field(): string | null {
    return this.payload.field
  }
}

/**
 * Calls to the core under way, shown on the page's root element as `data-calls`: the UI
 * benchmark (bench/ui.py) reads it to tell when the window has every answer it asked for, and
 * how long it waited on the core.
 */
let underWay = 0
function underWayBy(delta: number) {
  underWay += delta
  document.documentElement.dataset.calls = String(underWay)
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  underWayBy(1)
  try {
    return await invoke<T>(command, args)
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e && 'message' in e) throw new ApiError(e as ErrorPayload)
    throw e
  } finally {
    underWayBy(-1)
  }
}

/** A channel for a long command's progress, handed to `onProgress` as it comes. */
export function progress<P>(onProgress?: (p: P) => void): Channel<P> {
  const channel = new Channel<P>()
  channel.onmessage = (p) => onProgress?.(p)
  return channel
}
