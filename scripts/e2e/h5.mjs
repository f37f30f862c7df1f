// End-to-end test of the DingTalk H5 micro-app (移动端, /h5/): builds erpd,
// starts it on the demo company with DingTalk ON (the in-process sandbox
// plays DingTalk's servers), and drives the app in Debian's Chromium as an
// iPhone inside DingTalk would: the real dingtalk-jsapi runs against a
// stubbed native bridge (window.WebViewJavascriptBridge, as DingTalk's iOS
// WebView provides it), which answers 免登 with a code issued by the
// sandbox, records every call and returns a scanned barcode.
//
// 李销售 signs in silently, scans a product in 库存, sells it in 开单; 陈经理
// finds the order in 审批 (a DingTalk OA approval, decided in DingTalk: the
// sandbox agrees as him) and approves the purchase order waiting in the ERP
// inbox with the confirm dialog; 赵会计 reviews a voucher in 凭证 (审核) and
// takes the review back; then a browser outside DingTalk gets the
// login form, and a reused 免登 code gets a clear refusal.
//
//   cd scripts/e2e && npm ci && node h5.mjs
//
// CHROMIUM names the browser (default /usr/bin/chromium). Screenshots
// (h5-*.png) and render times (h5-timings.json) go to scripts/e2e/out/.
// Exits non-zero on the first failed step, after a screenshot of the page.
import { chromium } from 'playwright-core'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import { out, startErpd, stepper } from './lib.mjs'

const UA_DINGTALK = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(DingTalk/7.6.0)'
const UA_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
const BARCODE = '6921168509256' // DR001 农夫山泉饮用天然水 in the demo
const PASSWORD = 'erpdemo2026'

// DingTalk on (the demo's sandbox): 免登, dd.config and OA approvals are real.
const { base, sandbox, stop } = await startErpd('h5')

async function call(method, url, body, token) {
  const headers = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = 'Bearer ' + token
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const data = await res.json().catch(() => null)
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(data)}`)
  return data
}
const apiAs = (token) => ({
  get: (path) => call('GET', base + '/api/v1' + path, undefined, token),
  put: (path, body) => call('PUT', base + '/api/v1' + path, body, token),
})
const tokenOf = async (user) => (await call('POST', base + '/api/v1/auth/login', { username: user, password: PASSWORD })).token
const authCode = async (userid) => (await call('POST', sandbox + '/sandbox/auth-codes', { userid })).code
async function until(what, fn, ms = 20000) {
  const t0 = Date.now()
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for ' + what)
    await new Promise((r) => setTimeout(r, 150))
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] })
const phone = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
const problems = []
let page // the page a failure screenshot is taken of

function watch(p, name, expected = []) {
  p.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`))
  p.on('console', (m) => {
    if (m.type() !== 'error') return
    // Chromium logs every refused request; some steps are refused on purpose.
    if (expected.some(([url, text]) => url.test(m.location().url) && text.test(m.text()))) return
    problems.push(`${name} console: ${m.text()} (${m.location().url})`)
  })
}

// inDingTalk opens a phone context whose WebView looks like DingTalk's on
// iOS: the SDK finds the bridge and talks to our stub, which answers with
// the given results and keeps every call in window.__ddCalls.
async function inDingTalk(results, name, expected) {
  const ctx = await browser.newContext({ ...phone, userAgent: UA_DINGTALK })
  await ctx.addInitScript((R) => {
    window.__ddCalls = []
    window.WebViewJavascriptBridge = {
      init() {},
      registerHandler() {},
      callHandler(m, p, cb) {
        window.__ddCalls.push({ m, p })
        setTimeout(() => cb(m in R ? { errorCode: '0', result: R[m] } : { errorCode: '1', errorMessage: 'no stub ' + m }), 0)
      },
    }
  }, {
    'runtime.permission.requestJsApis': {}, // dd.config
    'biz.navigation.setTitle': {},
    'biz.util.scan': { text: BARCODE },
    'biz.util.openLink': {},
    ...results,
  })
  const p = await ctx.newPage()
  watch(p, name, expected)
  return p
}
const ddCalls = (p, method) => p.evaluate((m) => window.__ddCalls.filter((c) => c.m === m).map((c) => c.p), method)

// pull drags a finger down from the top of el, as to refresh a list
// (antd-mobile's PullToRefresh follows touch events, not the mouse).
async function pull(p, el) {
  const box = await el.boundingBox()
  const x = Math.round(box.x + box.width / 2)
  const y = Math.round(box.y + 10)
  const cdp = await p.context().newCDPSession(p)
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] })
  for (let i = 1; i <= 15; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y + i * 15 }] })
    await p.waitForTimeout(16)
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

const timings = {}
const run = stepper(() => page, 'h5-failure')
const { step } = run
// timed runs an action (a navigation, a tap) and waits for what shows the
// page is ready; the time is reported, not asserted.
async function timed(name, action, ready) {
  const t0 = Date.now()
  await action()
  await ready()
  timings[name] = Date.now() - t0
}
const shot = (p, name) => p.screenshot({ path: join(out, `h5-${name}.png`) })
const tab = (p, title) => p.locator('.adm-tab-bar-item', { hasText: title })
const plain = (s) => s.replace(/[,\s¥]/g, '')

let orderNumber
let orderID
let salesman // the sales user, as the API knows her
const h5 = base + '/h5/?corpId=dingdemocorp'

try {
  const admin = apiAs(await tokenOf('admin'))
  // The demo's stock is small: no single product in one warehouse reaches
  // its sales approval line of ¥20,000, and an approval that cannot reserve
  // the stock is refused. Lower the line so a phone-sized order needs 陈经理.
  const rule = (await admin.get('/approval-rules')).items.find((r) => r.doc_type === 'sales_order')
  await admin.put('/approval-rules/' + rule.id, { min_amount: '2000', version: rule.version })

  const code = await authCode('ding_xiaoshou')
  page = await inDingTalk({ 'runtime.permission.requestAuthCode': { code } }, 'xiaoshou',
    // The first submit is refused on purpose (not enough stock in 南京).
    [[/\/api\/v1\/sales-orders\/\d+\/submit$/, /409|422/]])

  await step('inside DingTalk 李销售 is signed in by 免登, dd.config is signed for the page, the title is native', async () => {
    await timed('home (免登)', () => page.goto(h5), () => page.locator('[data-test=stats]').waitFor())
    assert.match(await page.locator('[data-test=hello]').innerText(), /李销售/)
    assert.equal(await page.locator('input[type=password]').count(), 0, 'no login form')
    assert.equal(await page.locator('.adm-nav-bar').count(), 0, 'no NavBar inside DingTalk')
    const auth = await ddCalls(page, 'runtime.permission.requestAuthCode')
    assert.equal(auth.length, 1)
    assert.equal(auth[0].corpId, 'dingdemocorp')
    const cfg = await until('dd.config', async () => (await ddCalls(page, 'runtime.permission.requestJsApis'))[0])
    assert.equal(cfg.corpId, 'dingdemocorp')
    assert.ok(cfg.jsApiList.includes('biz.util.scan'), JSON.stringify(cfg.jsApiList))
    const url = page.url().split('#')[0]
    const verdict = await call('POST', sandbox + '/sandbox/jsapi/verify', { url, nonceStr: cfg.nonceStr, timeStamp: cfg.timeStamp, signature: cfg.signature })
    assert.equal(verdict.errorCode, '0', 'the sandbox accepts the signature for ' + url + ': ' + JSON.stringify(verdict))
    const titles = await ddCalls(page, 'biz.navigation.setTitle')
    assert.ok(titles.some((t) => t.title === '首页'), JSON.stringify(titles))
    salesman = (await apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token'))).get('/me'))
    assert.equal(salesman.username, 'xiaoshou')
    assert.equal(await tab(page, '审批').count(), 0, 'a salesperson has no 审批 tab')
  })

  await step('库存: scanning a barcode fills the search and shows the product with the stock erpd holds', async () => {
    await timed('stock', () => tab(page, '库存').click(), () => page.locator('[data-test=stock-item]').first().waitFor())
    await page.locator('[data-test=scan]').click()
    await until('the scanned code in the search field', async () => (await page.locator('[data-test=stock-search] input').inputValue()) === BARCODE)
    const card = page.locator('[data-test=stock-item][data-sku=DR001]')
    await card.waitFor()
    await until('only the scanned product', async () => (await page.locator('[data-test=stock-item]').count()) === 1)
    const scans = await ddCalls(page, 'biz.util.scan')
    assert.equal(scans.at(-1).type, 'barCode')
    const product = (await apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token'))).get('/products?q=' + BARCODE)).items[0]
    const stock = (await apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token'))).get('/stock?product_id=' + product.id)).items
    assert.ok(stock.length > 0)
    for (const s of stock) {
      const row = card.locator(`[data-test=stock-row][data-warehouse="${s.warehouse_name}"]`)
      assert.equal(plain(await row.locator('[data-test=on-hand]').innerText()), s.on_hand, s.warehouse_name + ' on hand')
      assert.equal(plain(await row.locator('[data-test=available]').innerText()), s.available, s.warehouse_name + ' available')
    }
    assert.ok(await card.locator('[data-test=low]').count() >= 1, 'a warehouse below its reorder level is flagged (the Nanjing shop\'s water)')
    await shot(page, 'stock')
  })

  await step('开单: a sale refused for stock shows erpd\'s message; corrected, it is submitted and waits for approval', async () => {
    await timed('order', () => tab(page, '开单').click(), () => page.locator('[data-test=pick-partner]').waitFor())
    await page.locator('[data-test=pick-partner]').click()
    await page.locator('[data-test=partner-search] input').fill('联华')
    await page.locator('[data-test=partner-list] .adm-list-item', { hasText: '上海联华超市' }).click()
    await page.locator('[data-test=warehouse] .adm-selector-item', { hasText: '南京门店仓' }).click()
    await page.locator('[data-test=order-scan]').click()
    const line = page.locator('[data-test=line-0]')
    await line.waitFor()
    assert.match(await line.innerText(), /农夫山泉饮用天然水/)
    await line.locator('[data-test=qty] input').fill('1000')
    await line.locator('[data-test=price] input').fill('1.60')
    await page.locator('[data-test=order-total]', { hasText: '¥1,808.00' }).waitFor() // 1000 × 1.60 + 13% VAT
    await page.locator('[data-test=submit-order]').click()
    const dialog = page.locator('.adm-dialog')
    await dialog.getByText('可用库存不足').waitFor()
    await shot(page, 'order-refused')
    await dialog.getByText('知道了').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.match(await page.locator('[data-test=draft-note]').innerText(), /草稿 SO/)

    await page.locator('[data-test=warehouse] .adm-selector-item', { hasText: '上海总仓' }).click()
    await line.locator('[data-test=qty] input').fill('1200')
    await page.locator('[data-test=order-total]', { hasText: '¥2,169.60' }).waitFor()
    await line.locator('.line-foot', { hasText: /可用 1,280/ }).waitFor()
    await page.locator('.adm-toast-mask').waitFor({ state: 'hidden' }).catch(() => {})
    await shot(page, 'order')
    await page.locator('[data-test=submit-order]').click()
    await page.locator('[data-test=order-done]').waitFor()
    orderNumber = (await page.locator('[data-test=order-number]').innerText()).trim()
    const status = (await page.locator('[data-test=order-status]').innerText()).trim()
    await shot(page, 'order-done')

    const api = apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token')))
    const listed = (await api.get('/sales-orders?number=' + orderNumber)).items
    assert.equal(listed.length, 1, 'one order ' + orderNumber)
    const o = await api.get('/sales-orders/' + listed[0].id)
    orderID = o.id
    assert.equal(o.partner_id, (await api.get('/partners?q=' + encodeURIComponent('上海联华'))).items[0].id)
    assert.equal(o.lines.length, 1)
    assert.equal(o.lines[0].qty, '1200')
    assert.equal(o.lines[0].unit_price, '1.6')
    assert.equal(o.total, '2169.6')
    assert.equal(o.created_by, salesman.id)
    // ¥2,169.60 is over the (lowered) line: it waits for the manager.
    assert.equal(o.status, 'pending_approval')
    assert.equal(status, '待审批')
  })

  await step('审批 as 陈经理: the order is listed as a DingTalk OA approval, with its lines; agreed in DingTalk, it is approved', async () => {
    page = await inDingTalk({ 'runtime.permission.requestAuthCode': { code: await authCode('ding_jingli') } }, 'jingli')
    await page.goto(h5)
    await page.locator('[data-test=stats]').waitFor()
    assert.match(await page.locator('[data-test=hello]').innerText(), /陈经理/)
    await timed('approvals', () => tab(page, '审批').click(), () => page.locator('[data-test=approval-item]').first().waitFor())
    const item = page.locator(`[data-test=approval-item][data-number="${orderNumber}"]`)
    await item.waitFor()
    assert.match(await item.innerText(), /钉钉审批/)
    assert.match(await item.innerText(), /上海联华超市/)
    assert.match(await item.innerText(), /¥2,169\.60/)
    await shot(page, 'approvals')
    await timed('approval detail', () => item.click(), () => page.locator('[data-test=line]').first().waitFor())
    // Product names and units arrive after the lines (fetched once, cached).
    await page.locator('[data-test=line]', { hasText: '农夫山泉饮用天然水' }).waitFor()
    await page.locator('[data-test=line]', { hasText: '1,200瓶' }).waitFor()
    assert.match(await page.locator('[data-test=lines]').innerText(), /农夫山泉饮用天然水[\s\S]*1,200瓶 × ¥1\.60[\s\S]*¥2,169\.60/)
    assert.equal(await page.locator('[data-test=approve]').count(), 0, 'an OA approval is not decided here')
    await page.locator('[data-test=open-oa]').click()
    const jingli = apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token')))
    const ap = (await jingli.get('/approvals?status=pending')).items.find((a) => a.doc_number === orderNumber)
    assert.equal(ap.channel, 'dingtalk')
    const links = await until('openLink', () => ddCalls(page, 'biz.util.openLink').then((l) => l[0]))
    assert.ok(links.url.includes('procInstId=' + ap.external_id), links.url)
    await shot(page, 'approval-oa')

    await page.goBack() // DingTalk's back button
    const mine = page.locator(`[data-test=approval-item][data-number="${orderNumber}"]`)
    await mine.waitFor()

    // 陈经理 agrees in DingTalk's 审批; erpd hears of it and approves the order.
    await call('POST', `${sandbox}/sandbox/approvals/${ap.external_id}/approve`, { userid: 'ding_jingli', remark: '同意，尽快发货' })
    await until('the order approved', async () => (await jingli.get('/sales-orders/' + orderID)).status === 'approved')
    // Pull to refresh: the decided order leaves the list.
    let asked = 0
    page.on('request', (r) => { if (r.url().includes('/api/v1/approvals?')) asked++ })
    // A pull on a busy machine may end before the list follows the finger: pull again.
    for (let i = 0; i < 3 && !asked; i++) {
      await pull(page, page.locator('.approval-list'))
      await until('a refresh', async () => asked > 0, 4000).catch(() => {})
    }
    assert.ok(asked > 0, 'pulling the list refreshes it')
    await until('the list without ' + orderNumber, async () => (await mine.count()) === 0)
  })

  await step('审批 as 陈经理: the purchase order in the ERP inbox is approved with the confirm dialog', async () => {
    const item = page.locator('[data-test=approval-item]', { hasText: '采购订单' }).first()
    const number = await item.getAttribute('data-number')
    await item.click()
    await page.locator('[data-test=approve]').waitFor()
    assert.match(await page.locator('[data-test=lines]').innerText(), /价税合计/)
    await shot(page, 'approval')
    await page.locator('[data-test=approve]').click()
    const dialog = page.locator('.adm-dialog')
    await dialog.getByText('同意该单据？').waitFor()
    assert.match(await dialog.innerText(), new RegExp(number))
    await shot(page, 'approval-confirm')
    await dialog.locator('.adm-dialog-button', { hasText: '同意' }).click()
    await page.locator('.adm-toast-main', { hasText: '已同意' }).waitFor()
    await page.locator('.approval-list, [data-test=approvals-empty]').first().waitFor()
    const jingli = apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token')))
    const po = (await jingli.get('/purchase-orders?number=' + number)).items[0]
    assert.equal(po.status, 'approved', number + ' approved')
  })

  await step('订单详情 as 陈经理: per line 已入库, 退货 and 未入库, the receipt and the return, and who approved', async () => {
    const jingli = apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token')))
    // The demo's tea: 240 ordered, 120 received, 12 sent back.
    const partial = (await jingli.get('/purchase-orders?status=partially_received')).items[0]
    await page.evaluate((id) => { window.location.hash = '/orders/purchase/' + id }, partial.id)
    await page.locator('[data-test=order-detail]').waitFor()
    await page.locator('[data-test=line-progress]').nth(1).waitFor()
    assert.match(await page.locator('[data-test=line-progress]').nth(1).innerText(), /已入库 120 · 退货 12 · 未入库 120/)
    const docs = await page.locator('[data-test=documents]').innerText()
    assert.match(docs, /采购入库单 GR\S+/)
    assert.match(docs, /采购退货单 \S+/)
    await shot(page, 'order-detail')
    const approved = (await jingli.get('/purchase-orders?status=approved')).items[0]
    await page.evaluate((id) => { window.location.hash = '/orders/purchase/' + id }, approved.id)
    await page.locator('[data-test=doc-number]', { hasText: approved.number }).waitFor()
    assert.match(await page.locator('[data-test=approvals]').innerText(), /陈经理/)
    await page.evaluate(() => { window.location.hash = '/' })
    await page.locator('[data-test=stats]').waitFor()
  })

  await step('首页 as 陈经理: today\'s figures and the last seven days', async () => {
    await timed('dashboard', () => tab(page, '首页').click(), () => page.locator('[data-test=stats]').waitFor())
    for (const t of ['sales-today', 'purchases-today', 'stock-value', 'low-stock', 'pending']) {
      assert.match(await page.locator(`[data-test=${t}] .stat-value`).innerText(), /\d/, t)
    }
    assert.match(await page.locator('[data-test=sales-today] .stat-value').innerText(), /^¥[\d,]+\.\d\d$/)
    assert.equal(await page.locator('[data-test=trend] .bar-row').count(), 7)
    await page.locator('.adm-toast-mask').waitFor({ state: 'hidden' }).catch(() => {})
    await shot(page, 'dashboard')
  })

  await step('凭证 as 赵会计: a voucher waiting for review opens with its lines and the total in words; reviewed, then taken back', async () => {
    const code = await authCode('ding_caiwu')
    page = await inDingTalk({ 'runtime.permission.requestAuthCode': { code } }, 'caiwu')
    await page.goto(h5)
    await page.locator('[data-test=stats]').waitFor()
    await timed('vouchers', () => tab(page, '凭证').click(), () => page.locator('[data-test=voucher-item]').first().waitFor())
    const item = page.locator('[data-test=voucher-item]').first()
    const number = await item.getAttribute('data-number')
    await item.click()
    await page.locator('[data-test=voucher-detail]').waitFor()
    assert.ok((await page.locator('[data-test=voucher-line]').count()) >= 2, 'the voucher lines')
    assert.match(await page.locator('[data-test=voucher-words]').innerText(), /^人民币（大写）\S+[整角分]$/)
    await page.locator('[data-test=voucher-review]').click()
    await page.locator('.adm-toast-main', { hasText: '已审核' }).waitFor()
    assert.equal(await page.locator('[data-test=voucher-state]').innerText(), '已审核')
    await page.locator('.adm-toast-mask').waitFor({ state: 'hidden' }).catch(() => {})
    await shot(page, 'voucher')
    const caiwu = apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token')))
    const v = (await caiwu.get('/vouchers?review=reviewed&page_size=100')).items.find((x) => x.number === number && x.reviewed_by_name === '赵会计')
    assert.ok(v, number + ' reviewed by 赵会计')
    await page.locator('[data-test=voucher-unreview]').click()
    await page.locator('[data-test=voucher-review]').waitFor()
  })

  await step('财务 as 赵会计: 现金流量表 for the month as erpd reports it, and the month\'s 结账检查 read-only', async () => {
    await page.locator('.adm-toast-mask').waitFor({ state: 'hidden' }).catch(() => {}) // 已取消审核 gone
    await page.evaluate(() => { window.location.hash = '/' }) // off the voucher, back to the tabs
    await page.locator('[data-test=stats]').waitFor()
    await timed('finance', () => tab(page, '财务').click(), () => page.locator('[data-test=cf-row]').first().waitFor())
    const period = (await page.locator('[data-test=period]').innerText()).replace(/\s*年\s*/, '-').replace(/\s*月$/, '')
    assert.match(period, /^\d{4}-\d{2}$/)
    const caiwu = apiAs(await page.evaluate(() => localStorage.getItem('erpd.h5.token')))
    const cf = await caiwu.get('/reports/cash-flow?period=' + period)
    const rows = cf.items.filter((r) => !r.heading)
    assert.equal(await page.locator('[data-test=cf-row]').count(), rows.length, 'every line of the statement')
    const shown = await page.locator('[data-test=cf-month]').allInnerTexts()
    // As the H5's dec.js money(): the sign before the ¥ (-¥8,700.00).
    const money = (s) => (s.startsWith('-') ? '-' : '') + '¥' + Number(s.replace('-', '')).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    rows.forEach((r, i) => { if (r.col2 != null) assert.equal(shown[i], money(String(r.col2)), r.item) })
    await shot(page, 'finance-cash-flow')
    await page.locator('.adm-capsule-tabs-tab', { hasText: '结账检查' }).click()
    await page.locator('[data-test=check-item]').first().waitFor()
    const cl = await caiwu.get(`/periods/${period}/checklist`)
    assert.equal(await page.locator('[data-test=check-item]').count(), cl.items.length, 'every checklist item')
    assert.match(await page.locator('[data-test=checklist-summary]').innerText(), cl.blocking.length ? /项阻止结账/ : /可以结账/)
    await shot(page, 'finance-checklist')
  })

  await step('出库 as 张仓管: the shipments list opens one with where and how it goes, the phone tappable', async () => {
    const code = await authCode('ding_cangguan')
    page = await inDingTalk({ 'runtime.permission.requestAuthCode': { code } }, 'cangguan')
    await page.goto(h5)
    await page.locator('[data-test=stats]').waitFor()
    assert.equal(await tab(page, '开单').count(), 0, 'a keeper does not sell')
    await timed('shipments', () => tab(page, '出库').click(), () => page.locator('[data-test=shipment-item]').first().waitFor())
    // The demo ships 联华's order by 德邦物流 to its default address.
    await page.locator('[data-test=shipment-item]', { hasText: '联华' }).first().click()
    const detail = page.locator('[data-test=shipment-detail]')
    await detail.waitFor()
    await detail.locator('[data-test=waybill]', { hasText: 'DPK2026120800123' }).waitFor()
    const text = await detail.innerText()
    for (const want of ['物流', '德邦物流', '联华配送中心', '冯采购']) assert.ok(text.includes(want), want + ' in ' + text)
    assert.equal(await detail.locator('[data-test=ship-phone]').getAttribute('href'), 'tel:13916881234')
    await shot(page, 'shipment')
  })

  await step('outside DingTalk: the login form; a wrong password gets erpd\'s message, the right one signs in', async () => {
    const ctx = await browser.newContext({ ...phone, userAgent: UA_SAFARI })
    page = await ctx.newPage()
    watch(page, 'browser', [[/\/api\/v1\/auth\/login$/, /401/]])
    await timed('login form', () => page.goto(base + '/h5/'), () => page.locator('[data-test=username] input').waitFor())
    assert.match(await page.locator('.login').innerText(), /在钉钉工作台中打开将自动登录/)
    await page.locator('[data-test=username] input').fill('xiaoshou')
    await page.locator('[data-test=password] input').fill('not-the-password')
    await page.locator('[data-test=login]').click()
    assert.match(await page.locator('[data-test=login-error]').innerText(), /用户名或密码错误/)
    await page.locator('[data-test=password] input').fill(PASSWORD)
    await shot(page, 'login')
    await timed('home (login)', () => page.locator('[data-test=login]').click(), () => page.locator('[data-test=stats]').waitFor())
    assert.ok(await page.locator('.adm-nav-bar').isVisible(), 'a NavBar outside DingTalk')
    await tab(page, '库存').click()
    await page.locator('[data-test=stock-item]').first().waitFor()
    assert.equal(await page.locator('[data-test=scan]').count(), 0, 'no scan button outside DingTalk')
  })

  await step('a DingTalk user with no ERP account is told so, once, without a retry loop', async () => {
    const admin = apiAs(await tokenOf('admin'))
    const u = (await admin.get('/users?q=caiwu')).items.find((x) => x.username === 'caiwu')
    await admin.put('/users/' + u.id, { dingtalk_user_id: '', version: u.version })
    page = await inDingTalk({ 'runtime.permission.requestAuthCode': { code: await authCode('ding_caiwu') } }, 'unlinked',
      [[/\/api\/v1\/auth\/dingtalk$/, /403/]])
    let exchanges = 0
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/auth/dingtalk')) exchanges++ })
    await page.goto(h5)
    const blocked = page.locator('[data-test=blocked]')
    await blocked.waitFor()
    assert.match(await blocked.innerText(), /账号未关联/)
    assert.match(await blocked.innerText(), /尚未开通 ERP 账号/)
    assert.equal(await page.locator('[data-test=retry]').count(), 0)
    await page.waitForTimeout(1500)
    assert.equal(exchanges, 1)
    assert.equal((await ddCalls(page, 'runtime.permission.requestAuthCode')).length, 1)
    await shot(page, 'not-linked')
  })

  await step('a 免登 code used before gets a clear refusal, not a blank page', async () => {
    page = await inDingTalk({ 'runtime.permission.requestAuthCode': { code } }, 'reused',
      [[/\/api\/v1\/auth\/dingtalk$/, /401/]])
    await page.goto(h5)
    const blocked = page.locator('[data-test=blocked]')
    await blocked.waitFor()
    assert.match(await blocked.innerText(), /钉钉免登失败/)
    assert.match(await blocked.innerText(), /无效或已使用/)
    assert.ok(await page.locator('[data-test=retry]').isVisible())
    await shot(page, 'code-reused')
  })

  await step('no script errors on any page', async () => {
    assert.deepEqual(problems, [])
  })
} finally {
  writeFileSync(join(out, 'h5-timings.json'), JSON.stringify(timings, null, 2) + '\n')
  console.log('H5 render times (ms, navigation or tap to content):', JSON.stringify(timings))
  await browser.close()
  stop()
}
if (run.failed) process.exit(1)
