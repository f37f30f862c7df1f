// 出库单 on the phone: the warehouse keeper sees the latest shipments and
// opens one for where it goes (收货地址、联系人、电话, tap to call), how
// (发货方式、承运商、运单号) and what (lines).
import { useCallback, useEffect, useState } from 'react'
import { Empty, ErrorBlock, InfiniteScroll, List, PullToRefresh, SearchBar, Skeleton } from 'antd-mobile'
import { cached, get, product, when } from '../api.js'
import { qty } from '../dec.js'
import { go } from '../router.js'
import { useTitle } from '../shell.js'

const PAGE = 20

export function ShipmentList() {
  useTitle('出库单')
  const [number, setNumber] = useState('')
  const [items, setItems] = useState(null)
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [error, setError] = useState(null)

  const load = useCallback(async () => {
    setError(null)
    try {
      const l = await get('/sales-shipments', { number, page: 1, page_size: PAGE })
      setItems(l.items)
      setTotal(l.total)
      setPage(1)
    } catch (e) {
      setError(e)
      setItems([])
    }
  }, [number])
  useEffect(() => { setItems(null); load() }, [load])

  async function more() {
    const l = await get('/sales-shipments', { number, page: page + 1, page_size: PAGE })
    setItems((old) => [...old, ...l.items])
    setPage(page + 1)
  }

  return (
    <div className="page shipments">
      <SearchBar placeholder="单号" onSearch={setNumber} onClear={() => setNumber('')} data-test="shipment-search" />
      <PullToRefresh onRefresh={load}>
        <div className="pull-body">
          {error && <ErrorBlock status="default" title="加载失败" description={error.text} />}
          {!items && [0, 1, 2].map((i) => <div className="card" key={i}><Skeleton.Paragraph lineCount={3} animated /></div>)}
          {items && items.length === 0 && !error && <Empty description="暂无出库单" />}
          {items && items.length > 0 && (
            <List className="card-list">
              {items.map((s) => (
                <List.Item key={s.id} onClick={() => go('/shipments/' + s.id)} data-test="shipment-item" data-number={s.number}
                  description={<div>{s.warehouse_name} · {s.biz_date}</div>}>
                  <span className="ap-title">{s.partner_name}</span> <span className="muted small">{s.number}</span>
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

export function ShipmentDetail({ id }) {
  useTitle('出库单', '/shipments')
  const [s, setS] = useState(null)
  const [names, setNames] = useState({})
  const [method, setMethod] = useState('')
  const [error, setError] = useState(null)

  const load = useCallback(async () => {
    try {
      const d = await get('/sales-shipments/' + id)
      setS(d)
      const ps = await Promise.all([...new Set(d.lines.map((l) => l.product_id))].map((pid) => product(pid).catch(() => null)))
      setNames(Object.fromEntries(ps.filter(Boolean).map((p) => [p.id, p.name])))
      if (d.shipping_method_id) {
        const l = await cached('/dictionaries/shipping_method/entries', { page_size: 100 }).catch(() => ({ items: [] }))
        const e = l.items.find((x) => x.id === d.shipping_method_id)
        setMethod(e ? e.label : '#' + d.shipping_method_id)
      }
    } catch (e) {
      setError(e)
    }
  }, [id])
  useEffect(() => { load() }, [load])

  if (error) return <div className="page"><ErrorBlock status="default" title="无法打开" description={error.text || error.message} /></div>
  if (!s) return <div className="page"><div className="card"><Skeleton.Title animated /><Skeleton.Paragraph lineCount={6} animated /></div></div>

  return (
    <div className="page shipment-detail" data-test="shipment-detail">
      <div className="card doc-head">
        <div className="doc-title"><span>销售出库单</span></div>
        <div className="doc-number">{s.number}</div>
        <div className="muted small">业务日期 {s.biz_date} · 过账 {when(s.posted_at)}</div>
      </div>
      <List className="card-list" header="发货信息" data-test="shipment-delivery">
        <List.Item extra={method || '—'}>发货方式</List.Item>
        <List.Item extra={s.carrier || '—'}>承运商</List.Item>
        <List.Item extra={<span data-test="waybill">{s.waybill_no || '—'}</span>}>运单号</List.Item>
        <List.Item description={<span data-test="ship-address">{s.ship_address || '未填写'}</span>}>收货地址</List.Item>
        <List.Item extra={s.ship_contact || '—'}>联系人</List.Item>
        <List.Item extra={s.ship_phone ? <a href={'tel:' + s.ship_phone.replace(/[^0-9+]/g, '')} data-test="ship-phone">{s.ship_phone}</a> : '—'}>电话</List.Item>
      </List>
      <List className="card-list" header={`商品（${s.lines.length}）`}>
        {s.lines.map((l) => (
          <List.Item key={l.id} description={l.batch ? '批次 ' + l.batch : undefined} extra={<span className="strong">{qty(l.qty)}</span>}>
            {names[l.product_id] || '商品 #' + l.product_id}
          </List.Item>
        ))}
      </List>
      {s.remark && <List className="card-list" header="备注"><List.Item>{s.remark}</List.Item></List>}
    </div>
  )
}
