// v-focus: puts the cursor in the first field of a form when it appears.
import type { Directive } from 'vue'

export const vFocus: Directive<HTMLElement> = {
  mounted(el) {
    const target = el.matches('input, textarea') ? el : el.querySelector<HTMLElement>('input, textarea')
    requestAnimationFrame(() => (target ?? el).focus())
  },
}
