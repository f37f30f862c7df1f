// 凭证审核 on the phone: the finance supervisor goes through the vouchers
// waiting for review (未审核), opens one (分录, the total in words, who
// prepared it) and reviews it (审核) or takes a review back (取消审核).
// erpd refuses the preparer (制单人不能审核自己编制的凭证) and says so.
import { useCallback, useEffect, useState } from 'react'
import { Button, CapsuleTabs, Dialog, Empty, ErrorBlock, InfiniteScroll, List, PullToRefresh, Skeleton, Tag, Toast } from 'antd-mobile'
import { cached, get, post, when } from '../api.js'
import { money } from '../dec.js'
import { go } from '../router.js'
import { useTitle } from '../shell.js'

const PAGE = 20

export function VoucherList() {
  useTitle('凭证审核')
  const [tab, setTab] = useState(() => sessionStorage.getItem('erpd.h5.vouchers.tab') || 'unreviewed')
  const [items, setItems] = useState(null)
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [error, setError] = useState(null)

  const load = useCallback(async () => {
    setError(null)
    try {
      const l = await get('/vouchers', { review: tab, page: 1, page_size: PAGE })
      setItems(l.items)
      setTotal(l.total)
      setPage(1)
    } catch (e) {
      setError(e)
      setItems([])
    }
  }, [tab])
  useEffect(() => { setItems(null); load() }, [load])

  async function more() {
    const l = await get('/vouchers', { review: tab, page: page + 1, page_size: PAGE })
    setItems((old) => [...old, ...l.items])
    setPage(page + 1)
  }
  function switchTab(k) {
    sessionStorage.setItem('erpd.h5.vouchers.tab', k)
    setTab(k)
  }

  return (
    <div className="page vouchers">
      <CapsuleTabs activeKey={tab} onChange={switchTab} className="sticky-tabs">
        <CapsuleTabs.Tab title="未审核" key="unreviewed" />
        <CapsuleTabs.Tab title="已审核" key="reviewed" />
      </CapsuleTabs>
      <PullToRefresh onRefresh={load}>
        <div className="pull-body">
          {error && <ErrorBlock status="default" title="加载失败" description={error.text} />}
          {!items && [0, 1, 2].map((i) => <div className="card" key={i}><Skeleton.Paragraph lineCount={3} animated /></div>)}
          {items && items.length === 0 && !error && <Empty description={tab === 'unreviewed' ? '没有待审核的凭证' : '暂无已审核的凭证'} data-test="vouchers-empty" />}
          {items && items.length > 0 && (
            <List className="card-list">
              {items.map((v) => (
                <List.Item key={v.id} onClick={() => go('/vouchers/' + v.id)} data-test="voucher-item" data-number={v.number}
                  description={<div>{v.remark || v.source_number} · 制单 {v.created_by_name || '系统'}</div>}
                  extra={
                    <div className="ap-extra">
                      <div className="ap-amount">{money(v.debit)}</div>
                      {v.reviewed_by ? <Tag color="success" fill="outline">{v.reviewed_by_name}</Tag> : <Tag color="warning" fill="outline">未审核</Tag>}
                    </div>
                  }>
                  <span className="ap-title">{v.period} {v.number}</span>
                </List.Item>
              ))}
            </List>
          )}
          {items && items.length > 0 && (
            <InfiniteScroll loadMore={more} hasMore={items.length < total}>
              {items.length < total ? '加载中…' : <span className="muted">共 {total} 张</span>}
            </InfiniteScroll>
          )}
        </div>
      </PullToRefresh>
    </div>
  )
}

export function VoucherDetail({ id }) {
  useTitle('凭证', '/vouchers')
  const [v, setV] = useState(null)
  const [accounts, setAccounts] = useState({})
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    try {
      setV(await get('/vouchers/' + id))
      const l = await cached('/accounts')
      setAccounts(Object.fromEntries(l.items.map((a) => [a.id, a])))
    } catch (e) {
      setError(e)
    }
  }, [id])
  useEffect(() => { load() }, [load])

  async function act(action) {
    setBusy(true)
    try {
      await post(`/vouchers/${id}/${action}`, {})
      setV(await get('/vouchers/' + id))
      Toast.show({ icon: 'success', content: action === 'review' ? '已审核' : '已取消审核' })
    } catch (e) {
      Dialog.alert({ title: action === 'review' ? '未能审核' : '未能取消审核', content: e.text || e.message, confirmText: '知道了' })
    } finally {
      setBusy(false)
    }
  }

  if (error) return <div className="page"><ErrorBlock status="default" title="无法打开" description={error.text || error.message} /></div>
  if (!v) return <div className="page"><div className="card"><Skeleton.Title animated /><Skeleton.Paragraph lineCount={6} animated /></div></div>
  const name = (aid) => { const a = accounts[aid]; return a ? `${a.code} ${a.name}` : `科目 #${aid}` }
  const zero = (s) => Number(s) === 0

  return (
    <div className="page voucher-detail" data-test="voucher-detail">
      <div className="card doc-head">
        <div className="doc-title">
          <span>记账凭证</span>
          {v.reviewed_by ? <Tag color="success" data-test="voucher-state">已审核</Tag> : <Tag color="warning" data-test="voucher-state">未审核</Tag>}
        </div>
        <div className="doc-number">{v.period} {v.number}</div>
        <div className="doc-amount">{money(v.debit)}</div>
        <div className="muted small" data-test="voucher-words">人民币（大写）{v.amount_in_words}</div>
      </div>
      <List className="card-list" header="凭证信息">
        <List.Item extra={v.date}>日期</List.Item>
        {v.remark && <List.Item description={v.remark}>摘要</List.Item>}
        {v.source_number && <List.Item extra={v.source_number}>来源单据</List.Item>}
        <List.Item extra={`${v.attachments || 0} 张`}>附单据</List.Item>
        <List.Item extra={v.created_by_name || '系统'}>制单</List.Item>
        <List.Item extra={v.reviewed_by ? `${v.reviewed_by_name} ${when(v.reviewed_at)}` : '—'}>审核</List.Item>
      </List>
      <List className="card-list" header={`分录（${v.lines.length}）`}>
        {v.lines.map((l) => (
          <List.Item key={l.id} data-test="voucher-line" description={l.summary}
            extra={<span className="strong">{zero(l.debit) ? '贷 ' + money(l.credit) : '借 ' + money(l.debit)}</span>}>
            {name(l.account_id)}
          </List.Item>
        ))}
      </List>
      <div className="bottom-spacer" />
      <div className="decide-bar">
        {v.reviewed_by
          ? <Button block fill="outline" size="large" loading={busy} disabled={busy} onClick={() => act('unreview')} data-test="voucher-unreview">取消审核</Button>
          : <Button block color="primary" size="large" loading={busy} disabled={busy} onClick={() => act('review')} data-test="voucher-review">审核</Button>}
      </div>
    </div>
  )
}
