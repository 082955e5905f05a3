// Unsaved changes: every form says whether it differs from what it was opened with, and
// any way out of it — the menu, back, signing out, closing a dialog or the window — asks
// before throwing the changes away. One question covers every dirty form at once.
import { computed, inject, onScopeDispose, provide, ref, watch, type InjectionKey } from 'vue'
import type { Router } from 'vue-router'
import { confirmed } from './confirm'
import { getCurrentWindow } from '@tauri-apps/api/window'
import { i18n } from '../i18n'

interface Entry {
  dirty: () => boolean
  /** The user chose to discard: the form counts as clean until it changes again. */
  forget: () => void
}

const everyEntry = new Set<Entry>()
/** The scopes (dialogs, panels) a form sits in, innermost last. */
const SCOPES: InjectionKey<Set<Entry>[]> = Symbol('unsaved-scopes')

let asking: Promise<boolean> | null = null

async function ask(): Promise<boolean> {
  const t = i18n.global.t
  return confirmed({
    message: t('unsaved.message'),
    title: t('unsaved.title'),
    yes: t('unsaved.leave'),
    no: t('unsaved.stay'),
    // Escape or a stray click outside must not throw the work away: only the button does.
    options: { distinguishCancelAndClose: true, customClass: 'cc-unsaved-confirm' },
  })
}

/**
 * True when none of `entries` has unsaved changes, or the user agreed to discard them
 * (they are then clean). A second caller while the question is open shares its answer.
 */
async function discard(entries: Iterable<Entry>): Promise<boolean> {
  const dirty = [...entries].filter((e) => e.dirty())
  if (!dirty.length) return true
  asking ??= ask().finally(() => (asking = null))
  const agreed = await asking
  if (agreed) dirty.forEach((e) => e.forget())
  return agreed
}

/** Whether any form open anywhere has unsaved changes. */
export function anyUnsaved(): boolean {
  return [...everyEntry].some((e) => e.dirty())
}

/** The session ended (idle, or the account stopped): every form's changes are dropped. */
export function abandonAll(): void {
  everyEntry.forEach((e) => e.forget())
}

/** Before leaving every form (navigating, signing out): true to go on. */
export function confirmLeave(): Promise<boolean> {
  return discard(everyEntry)
}

function register(entry: Entry) {
  const scopes = inject(SCOPES, [])
  everyEntry.add(entry)
  scopes.forEach((s) => s.add(entry))
  onScopeDispose(() => {
    everyEntry.delete(entry)
    scopes.forEach((s) => s.delete(entry))
  })
}

/** For an Element dialog's `before-close`: closes only when nothing is lost. */
function beforeCloseFor(confirm: () => Promise<boolean>) {
  return (done: () => void) => {
    confirm().then((ok) => ok && done())
  }
}

export interface GuardOptions {
  /** Only counts while this is true (a dialog that stays mounted while closed). */
  active?: () => boolean
}

/**
 * A form whose state `source` returns. It is dirty when that state differs from the state
 * it had when the guard was made or `markClean` was last called: after loading or opening
 * it, and after a successful save.
 */
export function useUnsavedGuard(source: () => unknown, options: GuardOptions = {}) {
  const snapshot = () => JSON.stringify(source())
  const baseline = ref(snapshot())
  const active = options.active ?? (() => true)
  const dirty = computed(() => active() && snapshot() !== baseline.value)

  function markClean() {
    baseline.value = snapshot()
  }

  const entry: Entry = { dirty: () => dirty.value, forget: markClean }
  register(entry)
  // A dialog's form is filled as it opens: what it shows then is its clean state. After
  // the render, so that the opener's own watchers have filled it (one that loads first
  // calls markClean itself when done).
  if (options.active) watch(active, (on) => on && markClean(), { flush: 'post' })

  const confirmDiscard = () => discard([entry])
  return { dirty, markClean, confirmDiscard, beforeClose: beforeCloseFor(confirmDiscard) }
}

/**
 * A form that keeps its own notion of "changed" (e.g. a sheet of rows compared with what
 * was loaded); `forget` makes it clean.
 */
export function useDirtyGuard(dirty: () => boolean, forget: () => void) {
  const entry: Entry = { dirty, forget }
  register(entry)
  const confirmDiscard = () => discard([entry])
  return { confirmDiscard, beforeClose: beforeCloseFor(confirmDiscard) }
}

/**
 * A component that closes forms living in its children (a dialog around a form component,
 * a panel toggled open): asks about the forms inside it only.
 */
export function useUnsavedScope() {
  const members = new Set<Entry>()
  provide(SCOPES, [...inject(SCOPES, []), members])
  const confirmDiscard = () => discard(members)
  return { confirmDiscard, beforeClose: beforeCloseFor(confirmDiscard) }
}

/** The router and the window ask before unsaved changes are lost. */
export function installLeaveGuards(router: Router) {
  router.beforeEach(async (to, from) => {
    // The first navigation leaves no form behind.
    if (!from.matched.length || to.fullPath === from.fullPath) return true
    return (await confirmLeave()) || false
  })
  if (!('__TAURI_INTERNALS__' in window)) return
  getCurrentWindow()
    .onCloseRequested(async (event) => {
      if (!(await confirmLeave())) event.preventDefault()
    })
    .catch((e) => console.error('close guard', e))
}
