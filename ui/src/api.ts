// The core's commands, typed. The wrappers are generated from the Rust `#[tauri::command]`
// functions (./bindings/commands.ts, written by `cargo test`), as the types are (ts-rs): the
// two sides cannot drift apart, and a new command needs nothing written here.
import * as commands from './bindings/commands'

export const api = commands
export { ApiError, type ErrorCode } from './ipc'
export type { AppInfo } from './bindings/AppInfo'
export type { BackupOverview } from './bindings/BackupOverview'
