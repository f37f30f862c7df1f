// One order as staff check it on a phone (订单详情): per line what was
// ordered, received or shipped, returned and is still open; the documents
// made from it; and who asked for its approval and who decided, by name.
// 复制订单 makes a new draft of it, for whoever may write orders.
import { useCallback, useEffect, useState } from 'react'
import { Button, Dialog, ErrorBlock, List, Skeleton, Tag, Toast } from 'antd-mobile'
import { can, get, post, product, unitNames, when } from '../api.js'
import { cmp, money, qty, ratePercent } from '../dec.js'
import { approvalStatus, label, orderStatus, relatedNames, roleNames } from '../labels.js'
import { go } from '../router.js'
import { useShell, useTitle } from '../shell.js'

const kinds = {
  purchase: { path: '/purchase-orders', title: '采购订单', done: '已入库', open: '未入库', partner: '供应商', perm: 'purchase:write' },
  sales: { path: '/sales-orders', title: '销售订单', done: '已出库', open: '未出库', partner: '客户', perm: 'sales:write' },
}

export default function OrderDetail({ kind, id }) {
  const k = kinds[kind]
  useTitle(k.title, '/')
  const { user } = useShell()
  const [order, setOrder] = useState(null)
  const [names, setNames] = useState({})
  const [units, setUnits] = useState({})
  const [partner, setPartner] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    try {
      setOrder(null)
      const o = await get(`${k.path}/${id}`)
      setOrder(o)
      unitNames().then(setUnits).catch(() => {})
      get('/partners/' + o.partner_id).then((p) => setPartner(p.name)).catch(() => {})
      const ps = await Promise.all(o.lines.map((l) => product(l.product_id).catch(() => null)))
      setNames(Object.fromEntries(ps.filter(Boolean).map((p) => [p.id, p])))
    } catch (e) {
      setError(e)
    }
  }, [k.path, id])
  useEffect(() => { load() }, [load])

  async function copy() {
    const ok = await Dialog.confirm({ title: '复制订单？', content: `按 ${order.number} 的${k.partner}、仓库和明细新建一张草稿，日期为今天`, confirmText: '复制', cancelText: '取消' })
    if (!ok) return
    setBusy(true)
    try {
      const o = await post(`${k.path}/${order.id}/copy`, undefined, { idempotent: true })
      Toast.show({ icon: 'success', content: `已复制为草稿 ${o.number}` })
      go(`/orders/${kind}/${o.id}`)
    } catch (e) {
      Dialog.alert({ title: '未能复制', content: e.text || e.message, confirmText: '知道了' })
    } finally {
      setBusy(false)
    }
  }

  if (error) return <div className="page"><ErrorBlock status="default" title="无法打开" description={error.text || error.message} /></div>
  if (!order) return <div className="page"><div className="card"><Skeleton.Title animated /><Skeleton.Paragraph lineCount={6} animated /></div></div>

  const [text, color] = label(orderStatus, order.status)
  return (
    <div className="page order-detail" data-test="order-detail">
      <div className="card doc-head">
        <div className="doc-title"><span>{k.title}</span><Tag color={color} data-test="order-status">{text}</Tag></div>
        <div className="doc-number" data-test="doc-number">{order.number}</div>
        <div className="doc-amount">{money(order.total)}</div>
      </div>

      <List className="card-list" header="单据信息">
        <List.Item extra={partner}>{k.partner}</List.Item>
        <List.Item extra={order.order_date}>单据日期</List.Item>
        {order.expected_date && <List.Item extra={order.expected_date}>交货日期</List.Item>}
        <List.Item extra={order.created_by_name}>制单人</List.Item>
        {order.remark && <List.Item description={order.remark}>备注</List.Item>}
      </List>

      <List className="card-list" header={`明细（${order.lines.length}）`} data-test="lines">
        {order.lines.map((l) => {
          const p = names[l.product_id]
          const u = p ? units[p.unit_id] || '' : ''
          return (
            <List.Item key={l.id} data-test="line"
              description={<>
                <div>{qty(l.qty)}{u} × {money(l.unit_price)} · 税率 {ratePercent(l.tax_rate)}%</div>
                <div data-test="line-progress">{k.done} {qty(l.done_qty)} · 退货 {qty(l.returned_qty)} · {k.open} <b className={cmp(l.open_qty, '0') > 0 ? 'warn' : ''}>{qty(l.open_qty)}</b></div>
              </>}
              extra={<span className="strong">{money(l.total)}</span>}>
              {p ? p.name : `商品 #${l.product_id}`}
            </List.Item>
          )
        })}
        <List.Item extra={<b className="total" data-test="doc-total">{money(order.total)}</b>}>价税合计</List.Item>
      </List>

      <List className="card-list" header="关联单据" data-test="documents">
        {order.documents.length === 0 && <List.Item><span className="muted">尚无入库、出库或退货</span></List.Item>}
        {order.documents.map((d) => (
          <List.Item key={d.type + d.id} data-test="document" description={`${d.date}${d.status === 'posted' ? ' · 已过账' : ''}`} extra={money(d.total)}>
            {relatedNames[d.type] || d.label} {d.number}
          </List.Item>
        ))}
      </List>

      {order.approvals.length > 0 && (
        <List className="card-list" header="审批记录" data-test="approvals">
          {order.approvals.map((a) => {
            const [at, ac] = label(approvalStatus, a.status)
            return (
              <List.Item key={a.id} extra={<Tag color={ac}>{at}</Tag>}
                description={<>
                  <div>{a.requested_by_name} 提交于 {when(a.created_at)}，{roleNames[a.role] || a.role}审批</div>
                  {a.decided_at && <div>{a.decided_by_name} {at}于 {when(a.decided_at)}{a.comment ? `：${a.comment}` : ''}</div>}
                </>}>
                {a.decided_by_name || '等待审批'}
              </List.Item>
            )
          })}
        </List>
      )}

      {can(user, k.perm) && (
        <div className="pad"><Button block size="large" onClick={copy} loading={busy} data-test="copy-order">复制订单</Button></div>
      )}
    </div>
  )
}
