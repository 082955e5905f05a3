// v-focus: puts the cursor in the first field of a form when it appears.
import type { Directive } from 'vue'

const editable = 'input, textarea, [contenteditable="true"]'

export const vFocus: Directive<HTMLElement> = {
  mounted(el) {
    const target = el.matches('input, textarea') ? el : el.querySelector<HTMLElement>('input, textarea')
    requestAnimationFrame(() => {
      // A quick typist may already be in another field by the next frame (a slow PC draws
      // late): taking the cursor back then would send the rest of their keys to this one.
      const active = document.activeElement
      if (active && active !== target && active.matches(editable)) return
      ;(target ?? el).focus()
    })
  },
}

/**
 * v-input-testid="'client-birth-date'" on an element wrapping a widget that does not pass
 * data-* attributes down (date pickers, cascaders): the test id goes on its input, where a
 * person would click and type.
 */
export const vInputTestid: Directive<HTMLElement, string> = {
  mounted(el, { value }) {
    el.querySelector('input')?.setAttribute('data-testid', value)
  },
  updated(el, { value }) {
    el.querySelector('input')?.setAttribute('data-testid', value)
  },
}
