// One approval: the order with its lines and totals, and 拒绝 / 同意 in a
// bar at the bottom. An approval running as a DingTalk OA instance is
// decided in DingTalk's 审批 (erpd refuses it here), so that is offered
// instead.
import { useCallback, useEffect, useState } from 'react'
import { Button, Dialog, ErrorBlock, List, Skeleton, Tag, TextArea, Toast } from 'antd-mobile'
import { cached, get, post, product, unitNames, when } from '../api.js'
import { money, qty } from '../dec.js'
import { inDingTalk, open } from '../dd.js'
import { approvalStatus, docNames, docPaths, label, orderStatus } from '../labels.js'
import { go } from '../router.js'
import { useShell, useTitle } from '../shell.js'
import { applicant, seen } from './Approvals.jsx'

async function findApproval(id) {
  if (seen.has(id)) return seen.get(id)
  // Opened directly (a reload, a link): erpd answers 404 for one this user may not see.
  const a = await get('/approvals/' + id)
  seen.set(a.id, a)
  return a
}

// oaLink is the DingTalk page of an OA approval instance.
function oaLink(corpId, instanceId) {
  const q = new URLSearchParams({ corpid: corpId, dd_share: 'false', showmenu: 'true', dd_progress: 'false', back: 'native', procInstId: instanceId, swfrom: 'isv', dinghash: 'approval', dtaction: 'os' })
  return `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?${q}#approval`
}

export default function ApprovalDetail({ id }) {
  useTitle('审批详情', '/approvals')
  const { user, refreshBadges } = useShell()
  const [ap, setAp] = useState(null)
  const [order, setOrder] = useState(null)
  const [names, setNames] = useState({})
  const [units, setUnits] = useState({})
  const [warehouse, setWarehouse] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState('')

  const load = useCallback(async () => {
    try {
      const a = await findApproval(id)
      setAp(a)
      const o = await get(`${docPaths[a.doc_type]}/${a.doc_id}`)
      setOrder(o)
      unitNames().then(setUnits).catch(() => {})
      cached('/warehouses', { status: 'active', page_size: 200 })
        .then((l) => setWarehouse((l.items.find((w) => w.id === o.warehouse_id) || {}).name || '')).catch(() => {})
      const ps = await Promise.all(o.lines.map((l) => product(l.product_id).catch(() => null)))
      setNames(Object.fromEntries(ps.filter(Boolean).map((p) => [p.id, p])))
    } catch (e) {
      setError(e)
    }
  }, [id])
  useEffect(() => { load() }, [load])

  async function decide(approve, comment) {
    setBusy(approve ? 'approve' : 'reject')
    try {
      const done = await post(`/approvals/${ap.id}/${approve ? 'approve' : 'reject'}`, { comment }, { idempotent: true })
      seen.set(done.id, { ...ap, ...done })
      Toast.show({ icon: 'success', content: approve ? '已同意' : '已拒绝' })
      refreshBadges()
      go('/approvals', { replace: true })
    } catch (e) {
      Dialog.alert({ title: approve ? '未能同意' : '未能拒绝', content: e.text || e.message, confirmText: '知道了' })
      setBusy('')
    }
  }

  async function onApprove() {
    const ok = await Dialog.confirm({
      title: '同意该单据？',
      content: `${docNames[ap.doc_type]} ${ap.doc_number}，${ap.partner_name}，价税合计 ${money(ap.amount)}`,
      confirmText: '同意', cancelText: '取消',
    })
    if (ok) decide(true, '')
  }

  function onReject() {
    let reason = ''
    const dlg = Dialog.show({
      title: '拒绝原因',
      content: <TextArea placeholder="请填写拒绝原因，提交人会看到" autoSize={{ minRows: 3, maxRows: 6 }} maxLength={200}
        onChange={(v) => { reason = v }} data-test="reject-reason" />,
      // Closed by hand: an empty reason keeps the dialog open.
      closeOnAction: false,
      actions: [[
        { key: 'cancel', text: '取消', onClick: () => dlg.close() },
        {
          key: 'reject', text: '拒绝', danger: true, bold: true,
          onClick: () => {
            if (!reason.trim()) return Toast.show({ content: '请填写拒绝原因' })
            dlg.close()
            decide(false, reason.trim())
          },
        },
      ]],
    })
  }

  if (error) return <div className="page"><ErrorBlock status="default" title="无法打开" description={error.text || error.message} /></div>
  if (!ap || !order) {
    return <div className="page"><div className="card"><Skeleton.Title animated /><Skeleton.Paragraph lineCount={6} animated /></div></div>
  }

  const [apText, apColor] = label(approvalStatus, ap.status)
  const [oText, oColor] = label(orderStatus, order.status)
  const pending = ap.status === 'pending'
  const viaDingTalk = ap.channel === 'dingtalk'

  return (
    <div className="page approval-detail" data-test="approval-detail">
      <div className="card doc-head">
        <div className="doc-title">
          <span>{docNames[ap.doc_type]}</span>
          <Tag color={apColor} data-test="approval-status">{apText}</Tag>
        </div>
        <div className="doc-number" data-test="doc-number">{ap.doc_number}</div>
        <div className="doc-amount">{money(ap.amount)}</div>
        <div className="doc-tags">
          <Tag color={oColor} fill="outline">{oText}</Tag>
          {viaDingTalk && <Tag color="primary" fill="outline">钉钉审批</Tag>}
        </div>
      </div>

      <List className="card-list" header="单据信息">
        <List.Item extra={ap.partner_name}>{ap.doc_type === 'purchase_order' ? '供应商' : '客户'}</List.Item>
        {warehouse && <List.Item extra={warehouse}>仓库</List.Item>}
        <List.Item extra={order.order_date}>单据日期</List.Item>
        <List.Item extra={applicant(ap, user)}>申请人</List.Item>
        <List.Item extra={when(ap.created_at)}>提交时间</List.Item>
        {ap.reason && <List.Item description={ap.reason}>审批原因</List.Item>}
        {order.remark && <List.Item description={order.remark}>备注</List.Item>}
        {ap.comment && <List.Item description={ap.comment}>审批意见</List.Item>}
        <List.Item arrow onClick={() => go(`/orders/${ap.doc_type === 'purchase_order' ? 'purchase' : 'sales'}/${ap.doc_id}`)} data-test="open-order">
          订单详情（进度、关联单据、审批记录）
        </List.Item>
      </List>

      <List className="card-list" header={`明细（${order.lines.length}）`} data-test="lines">
        {order.lines.map((l) => {
          const p = names[l.product_id]
          return (
            <List.Item key={l.id} data-test="line"
              description={`${p ? p.sku + (p.spec ? ' · ' + p.spec : '') + ' · ' : ''}${qty(l.qty)}${p ? units[p.unit_id] || '' : ''} × ${money(l.unit_price)}`}
              extra={<span className="strong">{money(l.total)}</span>}>
              {p ? p.name : `商品 #${l.product_id}`}
            </List.Item>
          )
        })}
        <List.Item extra={money(order.amount)}>金额</List.Item>
        <List.Item extra={money(order.tax_amount)}>税额</List.Item>
        <List.Item extra={<b className="total" data-test="doc-total">{money(order.total)}</b>}>价税合计</List.Item>
      </List>

      {pending && <div className="bottom-spacer" />}
      {pending && !viaDingTalk && (
        <div className="decide-bar">
          <Button block color="danger" fill="outline" size="large" onClick={onReject} loading={busy === 'reject'} disabled={!!busy} data-test="reject">拒绝</Button>
          <Button block color="primary" size="large" onClick={onApprove} loading={busy === 'approve'} disabled={!!busy} data-test="approve">同意</Button>
        </div>
      )}
      {pending && viaDingTalk && (
        <div className="decide-bar column">
          <div className="muted small">此单据走钉钉 OA 审批，请在钉钉「审批」中同意或拒绝，结果会自动同步到 ERP</div>
          <Button block color="primary" size="large" disabled={!inDingTalk || !ap.external_id} data-test="open-oa"
            onClick={async () => {
              const info = await cached('/dingtalk/h5')
              open(oaLink(info.corp_id, ap.external_id)).catch((e) => Toast.show({ icon: 'fail', content: e.errorMessage || '无法打开钉钉审批' }))
            }}>
            {inDingTalk ? '去钉钉审批' : '请在钉钉中打开'}
          </Button>
        </div>
      )}
    </div>
  )
}
