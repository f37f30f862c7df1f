// The API client: the bearer token from the login, errors shown as erpd
// words them (error.message; a line's error says which line, never the
// field's path), a 401 back to the login.
import { ElMessage } from 'element-plus'
import router from './router'
import { money as decMoney } from './dec'

const TOKEN = 'erpd.token'
const USER = 'erpd.user'

export const session = {
  get token() { return localStorage.getItem(TOKEN) || '' },
  get user() { try { return JSON.parse(localStorage.getItem(USER) || 'null') } catch { return null } },
  save(token, user) { localStorage.setItem(TOKEN, token); localStorage.setItem(USER, JSON.stringify(user)) },
  clear() { localStorage.removeItem(TOKEN); localStorage.removeItem(USER) },
  can(perm) { return !!this.user && (this.user.permissions || []).includes(perm) },
}

// QR_STATE keeps the state DingTalk's QR sign-in must bring back, in this
// tab only: a code arriving in another tab (or forged into a link) finds
// no match.
export const QR_STATE = 'erpd.qr.state'

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message || `请求失败（${status}）`)
    this.status = status
    this.code = e.code
    this.field = e.field
    this.details = e.details
  }
}

// errorText is a refused request's message as a clerk reads it: the
// message, and for a line's field (lines[2].qty) which line, 第 3 行. The
// field itself is highlighted on the form (useSave), never named by its
// path.
export function errorText(e) {
  const m = /^[a-z_]+\[(\d+)\]/.exec(e.field || '')
  return (m ? `第 ${Number(m[1]) + 1} 行：` : '') + e.message
}

function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v)
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export async function api(method, path, { params, body, quiet } = {}) {
  const headers = { Accept: 'application/json' }
  if (session.token) headers.Authorization = 'Bearer ' + session.token
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch('/api/v1' + path + query(params), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  if (res.status === 204) return null
  const data = await res.json().catch(() => null)
  if (!res.ok) {
    const err = new ApiError(res.status, data)
    if (res.status === 401 && !path.startsWith('/auth/')) {
      session.clear()
      router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
    }
    if (!quiet) ElMessage.error(errorText(err))
    throw err
  }
  return data
}

export const get = (path, params) => api('GET', path, { params })
export const post = (path, body) => api('POST', path, { body })
export const put = (path, body) => api('PUT', path, { body })
export const del = (path) => api('DELETE', path)

// download fetches a CSV or XLSX export with the token and saves it;
// progress(bytes, total) follows it as it arrives (total is 0 when the
// server streams without a length).
export async function download(path, params, filename, progress) {
  const res = await fetch('/api/v1' + path + query(params), { headers: { Authorization: 'Bearer ' + session.token } })
  if (!res.ok) {
    const data = await res.json().catch(() => null)
    const err = new ApiError(res.status, data)
    ElMessage.error(err.message)
    throw err
  }
  let blob
  if (progress && res.body) {
    const size = Number(res.headers.get('Content-Length') || 0)
    const reader = res.body.getReader()
    const chunks = []
    let got = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      got += value.length
      progress(got, size)
    }
    blob = new Blob(chunks, { type: res.headers.get('Content-Type') || '' })
  } else {
    blob = await res.blob()
  }
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = filename
  a.click()
  URL.revokeObjectURL(a.href)
}

// money shows an amount as ¥1,234.50 (a negative one as ¥-1,234.50),
// rounded on its digits: a float would lose cents past 2^53 and round
// 1.005 down.
export function money(v) {
  if (v === null || v === undefined || v === '') return ''
  return '¥' + decMoney(v, '')
}

// today is today's date in Asia/Shanghai (yyyy-mm-dd): the default 业务日期.
export function today() {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
}

// when shows a UTC time in Asia/Shanghai.
export function when(v) {
  if (!v) return ''
  return new Date(v).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })
}

// upload posts a file as multipart form data (imports). XHR rather than
// fetch, for its upload progress: progress(sent, total) while the file
// goes up, then progress(total, total) while erpd checks it.
export function upload(path, params, file, progress) {
  const fd = new FormData()
  fd.append('file', file)
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/v1' + path + query(params))
    xhr.setRequestHeader('Authorization', 'Bearer ' + session.token)
    xhr.setRequestHeader('Accept', 'application/json')
    if (progress) xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : 0)
    // The browser could not send it: offline, or the file changed on disk after it was chosen.
    xhr.onerror = () => reject(new ApiError(0, { error: { message: '文件未能上传：请检查网络，或重新选择文件后再试' } }))
    xhr.onload = () => {
      let data = null
      try { data = JSON.parse(xhr.responseText) } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data)
      else reject(new ApiError(xhr.status, data))
    }
    xhr.send(fd)
  })
}
