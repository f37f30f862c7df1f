// Product names for document lines, fetched once per product and shared
// by every view (documents carry product ids only).
import { reactive } from 'vue'
import { get } from './api'

const names = reactive({})
const pending = {}

export function productName(id) {
  const p = names[id]
  return p ? `${p.sku} ${p.name}` : '#' + id
}

export function product(id) {
  return names[id]
}

export async function loadProducts(ids) {
  await Promise.all([...new Set(ids)].filter((id) => id && !names[id]).map((id) => {
    pending[id] = pending[id] || get('/products/' + id).then((p) => { names[id] = p }).catch(() => {}).finally(() => { delete pending[id] })
    return pending[id]
  }))
}

// searchProducts is the remote search behind a product picker.
export async function searchProducts(q) {
  const l = await get('/products', { q, page_size: 20, status: 'active' })
  for (const p of l.items) names[p.id] = p
  return l.items
}
