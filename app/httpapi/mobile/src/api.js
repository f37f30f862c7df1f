// The API client: the bearer token from 免登 or the dev login, errors as
// erpd words them (error.message and error.field), Idempotency-Key on the
// calls that create something.

const TOKEN = 'erpd.h5.token' // not the console's key: both may share a browser
const USER = 'erpd.h5.user'

export const session = {
  get token() { return localStorage.getItem(TOKEN) || '' },
  get user() {
    try { return JSON.parse(localStorage.getItem(USER) || 'null') } catch { return null }
  },
  save(token, user) {
    if (token) localStorage.setItem(TOKEN, token)
    localStorage.setItem(USER, JSON.stringify(user))
  },
  clear() { localStorage.removeItem(TOKEN); localStorage.removeItem(USER) },
}

export const can = (user, perm) => !!user && (user.permissions || []).includes(perm)

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message || (status ? `请求失败（${status}）` : '网络不通，请检查网络后重试'))
    this.status = status
    this.code = e.code
    this.field = e.field
  }
  // text is the message with the field it names, for a toast or a dialog.
  get text() { return this.field ? `${this.message}（${fieldName(this.field)}）` : this.message }
}

const FIELDS = {
  partner_id: '客户', warehouse_id: '仓库', order_date: '单据日期', remark: '备注', lines: '商品明细', qty: '数量',
  unit_price: '单价', product_id: '商品', tax_rate: '税率', discount_rate: '折扣', comment: '意见', version: '版本',
  username: '用户名', password: '密码', totp_code: '验证码', auth_code: '免登授权码',
}

// fieldName says which field erpd means in words: lines[0].qty → 第 1 行数量.
export function fieldName(f) {
  const m = /^lines\[(\d+)\](?:\.(\w+))?$/.exec(f)
  if (m) return `第 ${Number(m[1]) + 1} 行${m[2] ? FIELDS[m[2]] || m[2] : ''}`
  return FIELDS[f] || f
}

function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v)
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

function randomKey() {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b) // randomUUID needs a secure context; this does not
  return 'h5-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

// A repeated request (a double tap, a retry after a lost answer) reuses its
// key, so erpd replays the first answer instead of creating twice. After a
// refusal the key is dropped: the same request may succeed later (stock
// came in), and erpd would otherwise replay the refusal.
const keys = new Map()

let onUnauthorized = () => {}
export function whenUnauthorized(fn) { onUnauthorized = fn }

export async function api(method, path, { params, body, idempotent } = {}) {
  const headers = { Accept: 'application/json' }
  if (session.token) headers.Authorization = 'Bearer ' + session.token
  const payload = body === undefined ? undefined : JSON.stringify(body)
  if (payload !== undefined) headers['Content-Type'] = 'application/json'
  let keyID
  if (idempotent) {
    keyID = method + ' ' + path + ' ' + payload
    if (!keys.has(keyID)) keys.set(keyID, randomKey())
    headers['Idempotency-Key'] = keys.get(keyID)
  }
  let res
  try {
    res = await fetch('/api/v1' + path + query(params), { method, headers, body: payload })
  } catch {
    throw new ApiError(0, null)
  }
  if (res.status === 204) return null
  const data = await res.json().catch(() => null)
  if (!res.ok) {
    if (keyID && res.status < 500) keys.delete(keyID)
    const err = new ApiError(res.status, data)
    if (res.status === 401 && !path.startsWith('/auth/')) onUnauthorized(err)
    throw err
  }
  return data
}

export const get = (path, params) => api('GET', path, { params })
export const post = (path, body, opts) => api('POST', path, { body, ...opts })
export const put = (path, body) => api('PUT', path, { body })

// Reference data that rarely changes is fetched once per session.
const cache = new Map()
export function cached(path, params) {
  const k = path + query(params)
  if (!cache.has(k)) cache.set(k, get(path, params).catch((e) => { cache.delete(k); throw e }))
  return cache.get(k)
}
export function clearCache() { cache.clear() }

// product fetches one product, cached (order lines name only its id).
const products = new Map()
export function product(id) {
  if (!products.has(id)) products.set(id, get('/products/' + id).catch((e) => { products.delete(id); throw e }))
  return products.get(id)
}
export function remember(p) { products.set(p.id, Promise.resolve(p)) }

export async function unitNames() {
  const l = await cached('/units', { page_size: 200 })
  return Object.fromEntries(l.items.map((u) => [u.id, u.name]))
}

// when shows a UTC time in Asia/Shanghai, as 11-23 19:32.
export function when(v) {
  if (!v) return ''
  const d = new Date(v)
  const p = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(d)
  const g = (t) => (p.find((x) => x.type === t) || {}).value || ''
  return `${g('month')}-${g('day')} ${g('hour')}:${g('minute')}`
}
