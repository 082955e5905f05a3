// The district → living circle → community tree, shared by the registry and the facility form.
import { computed, ref } from 'vue'
import { api } from '../api'
import type { DistrictNode } from '../bindings/DistrictNode'
import { whenSignedOut } from './session'

export const cityTree = ref<DistrictNode[]>([])
whenSignedOut(() => (cityTree.value = []))

export async function loadCityTree(): Promise<DistrictNode[]> {
  cityTree.value = await api.cityTree()
  return cityTree.value
}

export type CommunityOption = {
  value: number | string
  label: string
  children?: CommunityOption[]
}

/** Cascader options; only communities carry a numeric value (the community_id). */
export const communityOptions = computed<CommunityOption[]>(() =>
  cityTree.value.map((d) => ({
    value: `d${d.id}`,
    label: d.name,
    children: d.circles.map((c) => ({
      value: `c${c.id}`,
      label: c.name,
      children: c.communities.map((m) => ({ value: m.id, label: m.name })),
    })),
  })),
)
