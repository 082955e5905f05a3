// What the Health page was showing, kept while the app runs: back from a client's page,
// the nurse finds the same tab, horizon and nurse filter.
import { reactive } from 'vue'
import { whenSignedOut } from './session'

export const healthSelection = reactive({
  tab: '',
  horizon: 14,
  nurse: null as string | null,
})

whenSignedOut(() => {
  healthSelection.tab = ''
  healthSelection.horizon = 14
  healthSelection.nurse = null
})
