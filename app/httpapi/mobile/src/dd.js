// Everything the app asks of DingTalk goes through here, so the rest of the
// app never touches the SDK and runs unchanged in a plain browser.
//
// Only the APIs used are imported (the core plus one module per API): the
// full SDK is four times the size. A per-API import also keeps its own
// parameter handling, so scan's type 'barCode' reaches the client as is.
import dd from 'dingtalk-jsapi/entry/union'
// Named imports: the API modules are CommonJS with exports.default, which
// the bundler's default-import interop does not pick up.
import { requestAuthCode$ as requestAuthCode } from 'dingtalk-jsapi/api/runtime/permission/requestAuthCode'
import { setTitle$ as setTitle } from 'dingtalk-jsapi/api/biz/navigation/setTitle'
import { scan$ as scanCode } from 'dingtalk-jsapi/api/biz/util/scan'
import { openLink$ as openLink } from 'dingtalk-jsapi/api/biz/util/openLink'

// platform is 'ios', 'android', 'pc', 'harmony' … or 'notInDingTalk'.
export const platform = (dd.env && dd.env.platform) || 'notInDingTalk'
export const inDingTalk = platform !== 'notInDingTalk'
// The PC client has no camera scan; phones do.
export const canScan = inDingTalk && platform !== 'pc'

// pageURL is what dd.config is signed for: the address without the hash.
// The app routes in the hash, so one signature serves every page.
export const pageURL = () => window.location.href.split('#')[0]

// authCode asks DingTalk for a one-time 免登 code ({code}); it needs no
// dd.config.
export async function authCode(corpId) {
  const res = await requestAuthCode({ corpId })
  if (!res || !res.code) throw new Error('钉钉没有返回免登授权码')
  return res.code
}

let configured = null

// configure signs the page for the JSAPIs erpd lists (jsApiList as
// returned). Calls made meanwhile wait for it inside the SDK; a failure
// is reported once and does not stop the app (scan and the title work
// without it on most clients).
export function configure(cfg) {
  if (!inDingTalk || configured) return configured
  configured = new Promise((resolve) => {
    dd.error((err) => {
      console.warn('dd.config 失败', err)
      resolve(false)
    })
    dd.ready(() => resolve(true))
    try {
      const p = dd.config({
        agentId: cfg.agentId, corpId: cfg.corpId, timeStamp: cfg.timeStamp, nonceStr: cfg.nonceStr,
        signature: cfg.signature, type: cfg.type, jsApiList: cfg.jsApiList,
      })
      // The SDK also rejects a promise on failure; dd.error reports it.
      if (p && typeof p.catch === 'function') p.catch(() => {})
    } catch (e) {
      console.warn('dd.config 失败', e)
      resolve(false)
    }
  })
  return configured
}

// title sets the native navigation bar's title inside DingTalk and the
// document's everywhere.
export function title(text) {
  document.title = text
  if (inDingTalk) setTitle({ title: text }).catch((e) => console.warn('setTitle', e))
}

// scan opens the camera for a barcode and resolves to its text, or null
// when the user cancels.
export async function scan() {
  try {
    const res = await scanCode({ type: 'barCode' })
    // The native result is {text}; the union API's typings say {code}.
    return String((res && (res.text ?? res.code)) || '').trim() || null
  } catch (e) {
    if (e && String(e.errorCode) === '-1') return null
    throw new Error('扫码失败：' + ((e && (e.errorMessage || e.message)) || '请重试'))
  }
}

// open shows a page inside DingTalk (an OA approval, for one).
export function open(url) {
  if (inDingTalk) return openLink({ url })
  window.open(url, '_blank')
  return Promise.resolve()
}
