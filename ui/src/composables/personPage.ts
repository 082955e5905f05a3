// What the client, child and staff pages share: new or existing record from the route,
// view or edit mode, loading, the error line, the lists the forms need (facilities and the
// city tree) loaded before a form shows, and what a saved form leads to.
import { computed, ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import type { PersonKind } from '../bindings/PersonKind'
import { cityTree, loadCityTree } from './cityTree'
import { facilities, loadFacilities } from './facilities'
import { useFormError } from './formError'

interface Person {
  id: number
  name: string
}

/** The page of one person of `kind`, read by `fetch`; `record` is null on the new-person page. */
export function usePersonPage<T extends Person>(kind: PersonKind, fetch: (id: number) => Promise<T>) {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const record = ref(null) as Ref<T | null>
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
    record.value = null
    loading.value = true
    try {
      const read = async (id: number) => (record.value = await fetch(id))
      await Promise.all([prepareForms(), isNew.value ? null : read(Number(route.params.id))])
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

  /** The form saved: say so, show the record, and give a new person the address of their page. */
  async function saved(result: T) {
    ElMessage.success(t(isNew.value ? 'people.created' : 'people.saved', { name: result.name }))
    record.value = result
    editing.value = false
    if (isNew.value) await router.replace({ name: kind, params: { id: result.id } })
  }

  watch(() => route.fullPath, load, { immediate: true })

  return { record, isNew, editing, loading, ready, error, back, cancel, saved }
}
