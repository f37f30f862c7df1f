// 审批: what waits for me, and what was decided. An item opens its order
// with the lines; deciding happens there.
import { useCallback, useEffect, useState } from 'react'
import { CapsuleTabs, Empty, ErrorBlock, InfiniteScroll, List, PullToRefresh, Skeleton, Tag } from 'antd-mobile'
import { get, when } from '../api.js'
import { money } from '../dec.js'
import { approvalStatus, docNames, label } from '../labels.js'
import { go } from '../router.js'
import { useShell, useTitle } from '../shell.js'

// The list is kept for the detail page, which opens at once from it.
export const seen = new Map()

// applicant names who asked (erpd sends requested_by_name).
export function applicant(a, me) {
  if (a.requested_by_name) return a.requested_by_name
  if (!a.requested_by) return '系统'
  if (me && a.requested_by === me.id) return me.name
  return `用户 #${a.requested_by}`
}

const PAGE = 20

export default function Approvals() {
  useTitle('审批')
  const { user, refreshBadges } = useShell()
  const [tab, setTab] = useState(() => sessionStorage.getItem('erpd.h5.approvals.tab') || 'pending')
  const [items, setItems] = useState(null)
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [error, setError] = useState(null)

  const load = useCallback(async () => {
    setError(null)
    try {
      const l = await get('/approvals', { status: tab === 'pending' ? 'pending' : '', page: 1, page_size: PAGE })
      l.items.forEach((a) => seen.set(a.id, a))
      setItems(l.items)
      setTotal(l.total)
      setPage(1)
      refreshBadges()
    } catch (e) {
      setError(e)
      setItems([])
    }
  }, [tab, refreshBadges])

  useEffect(() => { setItems(null); load() }, [load])

  async function more() {
    const l = await get('/approvals', { status: tab === 'pending' ? 'pending' : '', page: page + 1, page_size: PAGE })
    l.items.forEach((a) => seen.set(a.id, a))
    setItems((old) => [...old, ...l.items])
    setPage(page + 1)
  }

  function switchTab(k) {
    sessionStorage.setItem('erpd.h5.approvals.tab', k)
    setTab(k)
  }

  return (
    <div className="page approvals">
      <CapsuleTabs activeKey={tab} onChange={switchTab} className="sticky-tabs">
        <CapsuleTabs.Tab title="待我审批" key="pending" />
        <CapsuleTabs.Tab title="全部" key="all" />
      </CapsuleTabs>
      <PullToRefresh onRefresh={load}>
        <div className="pull-body">
          {error && <ErrorBlock status="default" title="加载失败" description={error.text} />}
          {!items && [0, 1, 2].map((i) => <div className="card" key={i}><Skeleton.Paragraph lineCount={3} animated /></div>)}
          {items && items.length === 0 && !error && (
            <Empty description={tab === 'pending' ? '没有待你审批的单据' : '暂无审批记录'} data-test="approvals-empty" />
          )}
          {items && items.length > 0 && (
            <List className="card-list approval-list">
              {items.map((a) => {
                const [text, color] = label(approvalStatus, a.status)
                return (
                  <List.Item key={a.id} onClick={() => go('/approvals/' + a.id)} data-test="approval-item" data-number={a.doc_number}
                    description={
                      <div className="ap-desc">
                        <div>{a.channel === 'dingtalk' && <Tag color="primary" className="ap-channel">钉钉审批</Tag>}{a.partner_name}</div>
                        <div>{applicant(a, user)} 提交 · {when(a.created_at)}</div>
                      </div>
                    }
                    extra={
                      <div className="ap-extra">
                        <div className="ap-amount">{money(a.amount)}</div>
                        <Tag color={color} fill="outline">{text}</Tag>
                      </div>
                    }>
                    <span className="ap-title">{docNames[a.doc_type] || a.doc_type} {a.doc_number}</span>
                  </List.Item>
                )
              })}
            </List>
          )}
          {items && items.length > 0 && (
            <InfiniteScroll loadMore={more} hasMore={items.length < total}>
              {items.length < total ? '加载中…' : <span className="muted">共 {total} 条</span>}
            </InfiniteScroll>
          )}
        </div>
      </PullToRefresh>
    </div>
  )
}
