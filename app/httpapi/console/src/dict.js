import { reactive } from 'vue'
import { api } from './api'

// Dictionary entries (数据字典) documents name by id: 结算方式, 客户等级,
// 发货方式. Loaded once per type and kept; a page shows labels through
// dictLabel, forms pick from dictOptions (enabled entries only, since
// disabled ones take no new documents).
const entries = reactive({})
const loading = {}

export function loadDict(type) {
  if (!loading[type]) {
    loading[type] = api('GET', `/dictionaries/${type}/entries`, { params: { page_size: 100 }, quiet: true })
      .then((r) => { entries[type] = r.items || [] })
      .catch(() => { entries[type] = []; delete loading[type] })
  }
  return loading[type]
}

// forgetDict drops a type's entries after an edit, so the next form reads
// them again.
export function forgetDict(type) {
  delete loading[type]
  delete entries[type]
}

export const dictOptions = (type) => (entries[type] || []).filter((e) => e.enabled)

export function dictLabel(type, id) {
  if (!id) return ''
  const e = (entries[type] || []).find((x) => x.id === id)
  return e ? e.label + (e.enabled ? '' : '（已停用）') : '#' + id
}
