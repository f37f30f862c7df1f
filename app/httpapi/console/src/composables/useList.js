// useList is the state behind every paged list (列表分页) in the console:
// the rows of one page, the total, the page shown and whether it is
// loading. fetchPage(page) returns erpd's list ({ items, total }); it may
// fetch what the rows need first (names of partners or products), so they
// show complete. after(list), when given, runs once the rows show, still
// under the loading mask.
//
//   const { rows, total, page, loading, load } = useList((p) => get('/units', { page: p }))
//   load(1)   // first page, or after the filters change
//   load()    // the same page again, after a save
import { ref } from 'vue'

export function useList(fetchPage, { after } = {}) {
  const rows = ref([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  async function load(p = page.value) {
    page.value = p
    loading.value = true
    try {
      const l = await fetchPage(p)
      rows.value = l.items || []
      total.value = l.total
      if (after) await after(l)
    } finally {
      loading.value = false
    }
  }
  return { rows, total, page, loading, load }
}
