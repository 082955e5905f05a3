// The registry's tree node and kind filter, kept while the user opens a facility and comes back.
import { reactive } from 'vue'
import type { FacilityKind } from '../bindings/FacilityKind'
import { whenSignedOut } from './session'

export interface TreeSelection {
  level: 'district' | 'circle' | 'community'
  id: number
  label: string
}

export const registrySelection = reactive<{ node: TreeSelection | null; kind: FacilityKind | null }>({ node: null, kind: null })

whenSignedOut(() => {
  registrySelection.node = null
  registrySelection.kind = null
})
