// 开单: a sales order on the phone. Customer, warehouse, products (searched
// or scanned), quantity and price; saved as a draft and submitted, which
// runs erpd's credit check and approval rules. Quantities and prices go to
// erpd as typed (strings); the total here is shown for orientation only.
import { useEffect, useMemo, useRef, useState } from 'react'
import {
  Button, Dialog, Empty, Form, Input, List, Popup, Result, SearchBar, Selector, Skeleton, Stepper, Tag, TextArea, Toast,
} from 'antd-mobile'
import { AddOutline, CloseCircleFill, RightOutline, ScanningOutline } from 'antd-mobile-icons'
import { api, cached, get, remember, unitNames } from '../api.js'
import { cmp, lineTotal, money, normal, qty, sum, valid } from '../dec.js'
import { canScan, scan } from '../dd.js'
import { label, orderStatus } from '../labels.js'
import { go } from '../router.js'
import { useShell, useTitle } from '../shell.js'

const blank = () => ({ partner: null, warehouseID: null, lines: [], remark: '' })
const shanghaiToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })

// Picker is a bottom sheet with a search box over a list (customers,
// products).
function Picker({ visible, onClose, title, search, render, onPick, test }) {
  const [q, setQ] = useState('')
  const [items, setItems] = useState(null)
  const seq = useRef(0)
  const timer = useRef(0)
  async function load(text) {
    const mine = ++seq.current
    setItems(null)
    try {
      const list = await search(text.trim())
      if (mine === seq.current) setItems(list)
    } catch (e) {
      if (mine === seq.current) { setItems([]); Toast.show({ icon: 'fail', content: e.text || e.message }) }
    }
  }
  useEffect(() => {
    if (visible) { setQ(''); load('') }
    return () => clearTimeout(timer.current)
  }, [visible]) // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Popup visible={visible} onMaskClick={onClose} onClose={onClose} bodyClassName="picker" destroyOnClose>
      <div className="picker-head"><span>{title}</span><a onClick={onClose}>取消</a></div>
      <SearchBar placeholder="搜索" value={q} data-test={test + '-search'}
        onChange={(v) => { setQ(v); clearTimeout(timer.current); timer.current = setTimeout(() => load(v), 300) }}
        onSearch={(v) => { clearTimeout(timer.current); load(v) }} />
      <div className="picker-list" data-test={test + '-list'}>
        {!items && <Skeleton.Paragraph lineCount={5} animated />}
        {items && items.length === 0 && <Empty description="没有匹配的结果" />}
        {items && items.length > 0 && (
          <List>{items.map((it) => <List.Item key={it.id} onClick={() => onPick(it)} arrow={false} {...render(it)} />)}</List>
        )}
      </div>
    </Popup>
  )
}

function LineCard({ line, index, unit, onChange, onRemove, error }) {
  const p = line.product
  const total = valid(line.qty) && valid(line.price) ? lineTotal(line.qty, line.price, p.tax_rate) : null
  const short = line.available != null && valid(line.qty) && cmp(line.qty, line.available) > 0
  return (
    <div className="line" data-test={'line-' + index}>
      <div className="line-head">
        <div>
          <div className="line-name">{p.name}</div>
          <div className="line-meta">{p.sku}{p.spec ? ' · ' + p.spec : ''} · 税率 {Math.round(Number(p.tax_rate) * 100)}%</div>
        </div>
        <CloseCircleFill className="line-remove" onClick={onRemove} aria-label="删除" />
      </div>
      <div className="line-fields">
        <div className="line-field">
          <span className="line-label">数量{unit ? `（${unit}）` : ''}</span>
          <Stepper stringMode min={0} step={1} value={line.qty} onChange={(v) => onChange({ qty: v == null ? '' : String(v) })} data-test="qty" />
        </div>
        <div className="line-field">
          <span className="line-label">单价（不含税）</span>
          <Input className="price" inputMode="decimal" placeholder="请输入" value={line.price} data-test="price"
            onChange={(v) => onChange({ price: v.replace(/[^\d.]/g, '') })} />
        </div>
      </div>
      <div className="line-foot">
        <span className={short ? 'danger' : 'muted'}>
          {line.available == null ? '可用 …' : `可用 ${qty(line.available)}${unit}`}{short ? '，库存不足' : ''}
        </span>
        <span>小计 <b>{total == null ? '—' : money(total)}</b></span>
      </div>
      {error && <div className="form-error">{error}</div>}
    </div>
  )
}

export default function OrderNew() {
  useTitle('销售开单')
  const { refreshBadges } = useShell()
  const [form, setForm] = useState(blank)
  const [warehouses, setWarehouses] = useState(null)
  const [units, setUnits] = useState({})
  const [picking, setPicking] = useState(null) // 'partner' | 'product'
  const [draft, setDraft] = useState(null) // the saved order, while it is a draft
  const [dirty, setDirty] = useState(true) // form differs from the draft
  const [busy, setBusy] = useState('')
  const [errors, setErrors] = useState({})
  const [done, setDone] = useState(null) // the submitted order

  useEffect(() => {
    cached('/warehouses', { status: 'active', page_size: 200 }).then((l) => {
      setWarehouses(l.items)
      setForm((f) => (f.warehouseID ? f : { ...f, warehouseID: l.items[0]?.id ?? null }))
    }).catch((e) => Toast.show({ icon: 'fail', content: e.text }))
    unitNames().then(setUnits).catch(() => {})
  }, [])

  const change = (patch) => { setForm((f) => ({ ...f, ...patch })); setDirty(true); setErrors({}) }
  const setLine = (i, patch) => change({ lines: form.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) })

  // Available stock of each line's product in the chosen warehouse.
  const wh = form.warehouseID
  const productKey = form.lines.map((l) => l.product.id).join(',')
  useEffect(() => {
    if (!wh) return
    let stop = false
    for (const l of form.lines) {
      get('/stock', { product_id: l.product.id, warehouse_id: wh, page_size: 100 }).then((s) => {
        if (stop) return
        const available = sum(s.items.map((b) => b.available))
        setForm((f) => ({ ...f, lines: f.lines.map((x) => (x.product.id === l.product.id ? { ...x, available } : x)) }))
      }).catch(() => {})
    }
    return () => { stop = true }
  }, [wh, productKey]) // eslint-disable-line react-hooks/exhaustive-deps

  function addProduct(p) {
    remember(p)
    setPicking(null)
    const at = form.lines.findIndex((l) => l.product.id === p.id)
    if (at >= 0) {
      const cur = form.lines[at].qty
      setLine(at, { qty: valid(cur) ? normal(sum([cur, '1'])) : '1' })
      Toast.show({ content: `${p.name} 数量 +1` })
      return
    }
    change({ lines: [...form.lines, { product: p, qty: '1', price: '', available: null }] })
  }

  async function scanned() {
    try {
      const code = await scan()
      if (!code) return
      const l = await get('/products', { q: code, status: 'active', page_size: 20 })
      const p = l.items.find((x) => x.barcode === code) || (l.items.length === 1 ? l.items[0] : null)
      if (!p) Toast.show({ icon: 'fail', content: `没有条码为 ${code} 的商品` })
      else addProduct(p)
    } catch (e) {
      Toast.show({ icon: 'fail', content: e.text || e.message })
    }
  }

  const total = useMemo(() => {
    const ok = form.lines.filter((l) => valid(l.qty) && valid(l.price))
    return ok.length ? sum(ok.map((l) => lineTotal(l.qty, l.price, l.product.tax_rate))) : '0'
  }, [form.lines])

  // check names what is missing before erpd is asked.
  function check() {
    if (!form.partner) return '请选择客户'
    if (!form.warehouseID) return '请选择出货仓库'
    if (!form.lines.length) return '请添加商品'
    for (const l of form.lines) {
      if (!valid(l.qty) || cmp(l.qty, '0') <= 0) return `请填写「${l.product.name}」的数量`
      if (!valid(l.price)) return `请填写「${l.product.name}」的单价`
    }
    return ''
  }

  function body() {
    return {
      partner_id: form.partner.id, warehouse_id: form.warehouseID, order_date: shanghaiToday(), remark: form.remark.trim(),
      lines: form.lines.map((l) => ({ product_id: l.product.id, qty: normal(l.qty), unit_price: normal(l.price) })),
    }
  }

  // save writes the draft (created once, then updated) and returns it.
  async function save() {
    if (draft && !dirty) return draft
    const o = draft
      ? await api('PUT', '/sales-orders/' + draft.id, { body: { ...body(), version: draft.version } })
      : await api('POST', '/sales-orders', { body: body(), idempotent: true })
    setDraft(o)
    setDirty(false)
    return o
  }

  function failed(e, what) {
    const f = e.field || ''
    const m = /^lines\[(\d+)\]/.exec(f)
    if (m) setErrors({ ['line' + m[1]]: e.message })
    Dialog.alert({ title: what, content: e.text || e.message, confirmText: '知道了' })
  }

  async function onSave() {
    const msg = check()
    if (msg) return Toast.show({ content: msg })
    setBusy('save')
    try {
      const o = await save()
      Toast.show({ icon: 'success', content: `草稿 ${o.number} 已保存` })
    } catch (e) {
      failed(e, '保存失败')
    } finally {
      setBusy('')
    }
  }

  async function onSubmit() {
    const msg = check()
    if (msg) return Toast.show({ content: msg })
    setBusy('submit')
    let o
    try {
      o = await save()
    } catch (e) {
      setBusy('')
      return failed(e, '保存失败')
    }
    try {
      const s = await api('POST', `/sales-orders/${o.id}/submit`, { body: { version: o.version }, idempotent: true })
      setDone(s)
      setDraft(null)
      refreshBadges()
    } catch (e) {
      // The draft stays: fix it and submit again.
      failed(e, `${o.number} 未能提交`)
    } finally {
      setBusy('')
    }
  }

  function again() {
    setForm({ ...blank(), warehouseID: form.warehouseID })
    setDone(null)
    setDraft(null)
    setDirty(true)
    setErrors({})
  }

  if (done) {
    const [text, color] = label(orderStatus, done.status)
    const waiting = done.status === 'pending_approval'
    return (
      <div className="page order-done" data-test="order-done">
        <Result status={waiting ? 'waiting' : 'success'} title={waiting ? '已提交，等待审批' : '已提交'}
          description={waiting ? '金额达到审批线，已送经理审批；审批结果会通过钉钉通知你' : '订单已审核，库存已为它预留'} />
        <List className="card-list">
          <List.Item extra={<b data-test="order-number">{done.number}</b>}>订单号</List.Item>
          <List.Item extra={<Tag color={color} data-test="order-status">{text}</Tag>}>状态</List.Item>
          <List.Item extra={form.partner?.name}>客户</List.Item>
          <List.Item extra={<b>{money(done.total)}</b>}>价税合计</List.Item>
        </List>
        <div className="pad"><Button block color="primary" size="large" onClick={again} data-test="order-again">再开一单</Button></div>
        <div className="pad"><Button block size="large" onClick={() => go(`/orders/sales/${done.id}`)} data-test="order-view">查看订单</Button></div>
      </div>
    )
  }

  return (
    <div className="page order">
      <List header="客户与仓库" className="card-list">
        <List.Item onClick={() => setPicking('partner')} arrow={<RightOutline />} data-test="pick-partner"
          extra={form.partner ? <span className="strong">{form.partner.name}</span> : <span className="muted">请选择</span>}>
          客户
        </List.Item>
        <List.Item>
          <div className="wh-row">
            <span>出货仓库</span>
            {warehouses
              ? <Selector columns={3} options={warehouses.map((w) => ({ label: w.name, value: w.id }))} value={form.warehouseID ? [form.warehouseID] : []}
                  onChange={(v) => v.length && change({ warehouseID: v[0] })} showCheckMark={false} data-test="warehouse" />
              : <Skeleton.Paragraph lineCount={1} animated />}
          </div>
        </List.Item>
      </List>

      <div className="section-head">
        <span>商品{form.lines.length ? `（${form.lines.length}）` : ''}</span>
        <span className="section-actions">
          {canScan && <Button size="small" fill="outline" color="primary" onClick={scanned} data-test="order-scan"><ScanningOutline /> 扫码</Button>}
          <Button size="small" color="primary" onClick={() => setPicking('product')} data-test="add-product"><AddOutline /> 添加</Button>
        </span>
      </div>
      {form.lines.length === 0 && <div className="card"><Empty description={canScan ? '扫码或点「添加」选择商品' : '点「添加」选择商品'} /></div>}
      {form.lines.map((l, i) => (
        <LineCard key={l.product.id} line={l} index={i} unit={units[l.product.unit_id]} error={errors['line' + i]}
          onChange={(patch) => setLine(i, patch)} onRemove={() => change({ lines: form.lines.filter((_, j) => j !== i) })} />
      ))}

      <Form layout="vertical" className="card-list remark">
        <Form.Item label="备注">
          <TextArea placeholder="选填，如送货要求" value={form.remark} onChange={(v) => change({ remark: v })} maxLength={200} autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
      </Form>
      {draft && <div className="draft-note" data-test="draft-note">草稿 {draft.number} 已保存{dirty ? '，有未保存的修改' : ''}</div>}
      <div className="bottom-spacer" />

      <div className="order-bar">
        <div className="order-total">
          <span className="muted">合计（含税）</span>
          <b data-test="order-total">{money(total)}</b>
        </div>
        <Button onClick={onSave} loading={busy === 'save'} disabled={!!busy} data-test="save-draft">存草稿</Button>
        <Button color="primary" onClick={onSubmit} loading={busy === 'submit'} disabled={!!busy} data-test="submit-order">提交</Button>
      </div>

      <Picker visible={picking === 'partner'} onClose={() => setPicking(null)} title="选择客户" test="partner"
        search={async (q) => (await get('/partners', { q, type: 'customer', status: 'active', page_size: 30 })).items}
        render={(p) => ({ children: p.name, description: `${p.code}${p.contact ? ' · ' + p.contact : ''}${cmp(p.credit_limit || '0', '0') > 0 ? ' · 信用额度 ' + money(p.credit_limit) : ''}` })}
        onPick={(p) => { setPicking(null); change({ partner: p }) }} />
      <Picker visible={picking === 'product'} onClose={() => setPicking(null)} title="选择商品" test="product"
        search={async (q) => (await get('/products', { q, status: 'active', page_size: 30 })).items}
        render={(p) => ({ children: p.name, description: `${p.sku}${p.spec ? ' · ' + p.spec : ''}${p.barcode ? ' · ' + p.barcode : ''}` })}
        onPick={addProduct} />
    </div>
  )
}
