// What both statistics screens do: read the filters from the address, load their tables when the
// filters (or the screen's own choice: trend granularity, timeliness grouping) change, and write
// applied filters back to the address.
import { computed, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { compactFilters, filtersFromQuery } from './filters.js'

export function useStatisticsPage({ choice, initial, fetchTables }) {
  const route = useRoute()
  const router = useRouter()
  const filters = computed(() => compactFilters(filtersFromQuery(route.query)))
  const picked = ref(typeof route.query[choice] === 'string' ? route.query[choice] : initial)
  const withChoice = computed(() => ({ ...filters.value, [choice]: picked.value }))
  const tables = ref(null)
  const loading = ref(false)
  const error = ref('')

  async function load() {
    loading.value = true
    error.value = ''
    try {
      tables.value = await fetchTables(withChoice.value)
    } catch (problem) {
      error.value = problem.message
    } finally {
      loading.value = false
    }
  }
  watch(withChoice, load, { immediate: true })

  const formValue = computed(() => filtersFromQuery(route.query))
  const apply = (next) => router.replace({ query: { ...compactFilters(next), [choice]: picked.value } })
  return { filters, picked, withChoice, tables, loading, error, formValue, apply }
}
