// What the client, child and staff pages share: new or existing record from the route,
// view or edit mode, loading, the error line, and the lists the forms need (facilities
// and the city tree) loaded before a form shows.
import { computed, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { PersonKind } from '../bindings/PersonKind'
import { cityTree, loadCityTree } from './cityTree'
import { facilities, loadFacilities } from './facilities'
import { useFormError } from './formError'

export function usePersonPage(kind: PersonKind, fetch: (id: number) => Promise<unknown>, reset: () => void) {
  const route = useRoute()
  const router = useRouter()
  const isNew = computed(() => route.name === `${kind}-new`)
  const editing = ref(false)
  const loading = ref(false)
  const ready = ref(false)
  const error = useFormError()

  async function prepareForms() {
    const needs: Promise<unknown>[] = []
    if (!facilities.value.length) needs.push(loadFacilities())
    if (kind === 'client' && !cityTree.value.length) needs.push(loadCityTree())
    await Promise.all(needs)
    ready.value = true
  }

  async function load() {
    if (route.name !== kind && route.name !== `${kind}-new`) return
    error.clear()
    editing.value = isNew.value
    reset()
    loading.value = true
    try {
      await Promise.all([prepareForms(), isNew.value ? null : fetch(Number(route.params.id))])
    } catch (e) {
      error.show(e)
    } finally {
      loading.value = false
    }
  }

  function back() {
    router.push({ name: 'people', query: { tab: kind } })
  }

  function cancel() {
    if (isNew.value) back()
    else editing.value = false
  }

  return { isNew, editing, loading, ready, error, load, back, cancel }
}
