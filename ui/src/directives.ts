// v-focus: puts the cursor in the first field of a form when it appears.
import type { Directive } from 'vue'

export const vFocus: Directive<HTMLElement> = {
  mounted(el) {
    const target = el.matches('input, textarea') ? el : el.querySelector<HTMLElement>('input, textarea')
    requestAnimationFrame(() => (target ?? el).focus())
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
