// 库存: find a product by name, code or barcode (typed or scanned) and see
// what each warehouse holds and can still promise.
import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, Empty, ErrorBlock, InfiniteScroll, SearchBar, Skeleton, Tag, Toast } from 'antd-mobile'
import { ScanningOutline } from 'antd-mobile-icons'
import { get, remember, unitNames } from '../api.js'
import { cmp, qty, sum } from '../dec.js'
import { canScan, scan } from '../dd.js'
import { useTitle } from '../shell.js'

const PAGE = 10

// Stock per product: GET /stock lists balances, so a product with nothing
// in any warehouse would not appear (and it has no spec, barcode or safety
// stock); the products are found first and their balances fetched by
// product_id, ten products a page.
async function fetchPage(q, page) {
  const l = await get('/products', { q, status: 'active', page, page_size: PAGE })
  let items = l.items
  // A scanned barcode also prefixes others; show the exact one when there is one.
  const exact = items.filter((p) => q && p.barcode === q)
  if (exact.length) items = exact
  const stock = await Promise.all(items.map((p) => get('/stock', { product_id: p.id, page_size: 100 }).then((s) => s.items)))
  items.forEach(remember)
  return { rows: items.map((p, i) => ({ product: p, stock: stock[i] })), more: !exact.length && page * PAGE < l.total }
}

function low(p, available) {
  return cmp(p.safety_stock || '0', '0') > 0 && cmp(available, p.safety_stock) <= 0
}

function ProductCard({ product: p, stock, units }) {
  const unit = units[p.unit_id] || ''
  const total = sum(stock.map((s) => s.on_hand))
  return (
    <div className="card stock-card" data-test="stock-item" data-sku={p.sku}>
      <div className="stock-head">
        <div className="stock-name">{p.name}</div>
        <div className="stock-total">{qty(total)}<small>{unit}</small></div>
      </div>
      <div className="stock-meta">
        <span>{p.sku}</span>{p.spec && <span>{p.spec}</span>}{p.barcode && <span>{p.barcode}</span>}
      </div>
      {stock.length === 0 && (
        <div className="stock-row"><span className="muted">各仓均无库存</span>
          {low(p, '0') && <Tag color="danger">缺货</Tag>}</div>
      )}
      {stock.map((s) => (
        <div className="stock-row" key={s.warehouse_id + '/' + s.batch} data-test="stock-row" data-warehouse={s.warehouse_name}>
          <span className="stock-wh">{s.warehouse_name}{s.batch && <small> 批次 {s.batch}</small>}</span>
          <span className="stock-num">在库 <b data-test="on-hand">{qty(s.on_hand)}</b></span>
          <span className="stock-num">可用 <b data-test="available">{qty(s.available)}</b></span>
          {low(p, s.available) && <Tag color="danger" data-test="low">低于安全库存</Tag>}
        </div>
      ))}
      {cmp(p.safety_stock || '0', '0') > 0 && <div className="stock-safety">安全库存 {qty(p.safety_stock)}{unit}</div>}
    </div>
  )
}

export default function Stock() {
  useTitle('库存查询')
  const [q, setQ] = useState('')
  const [rows, setRows] = useState(null)
  const [more, setMore] = useState(false)
  const [error, setError] = useState(null)
  const [units, setUnits] = useState({})
  const page = useRef(1)
  const seq = useRef(0)
  const timer = useRef(0)

  const search = useCallback(async (text) => {
    const mine = ++seq.current
    page.current = 1
    setRows(null)
    setError(null)
    try {
      const r = await fetchPage(text.trim(), 1)
      if (mine !== seq.current) return // a newer search is under way
      setRows(r.rows)
      setMore(r.more)
    } catch (e) {
      if (mine === seq.current) setError(e)
    }
  }, [])

  useEffect(() => {
    unitNames().then(setUnits).catch(() => {})
    search('')
    return () => clearTimeout(timer.current)
  }, [search])

  function typed(v) {
    setQ(v)
    clearTimeout(timer.current)
    timer.current = setTimeout(() => search(v), 350)
  }

  async function scanned() {
    try {
      const code = await scan()
      if (!code) return
      clearTimeout(timer.current)
      setQ(code)
      search(code)
    } catch (e) {
      Toast.show({ icon: 'fail', content: e.message })
    }
  }

  async function loadMore() {
    const mine = seq.current
    const r = await fetchPage(q.trim(), page.current + 1)
    if (mine !== seq.current) return
    page.current += 1
    setRows((old) => [...(old || []), ...r.rows])
    setMore(r.more)
  }

  return (
    <div className="page stock">
      <div className="sticky-search">
        <SearchBar placeholder={canScan ? '商品名称、编码或条码' : '商品名称、编码或条码（扫码请在钉钉中使用）'} value={q}
          onChange={typed} onSearch={(v) => { clearTimeout(timer.current); search(v) }} onClear={() => { clearTimeout(timer.current); search('') }}
          data-test="stock-search" style={{ flex: 1 }} />
        {canScan && (
          <Button fill="none" className="scan-btn" onClick={scanned} data-test="scan" aria-label="扫码">
            <ScanningOutline fontSize={22} />
          </Button>
        )}
      </div>
      {error && <ErrorBlock status="default" title="查询失败" description={error.text} />}
      {!rows && !error && [0, 1, 2].map((i) => (
        <div className="card" key={i} data-test="skeleton"><Skeleton.Title animated /><Skeleton.Paragraph lineCount={3} animated /></div>
      ))}
      {rows && rows.length === 0 && <Empty description={q ? `没有找到「${q}」` : '暂无商品'} data-test="empty" />}
      {rows && rows.map((r) => <ProductCard key={r.product.id} {...r} units={units} />)}
      {rows && rows.length > 0 && <InfiniteScroll loadMore={loadMore} hasMore={more}>{more ? '加载中…' : <span className="muted">没有更多了</span>}</InfiniteScroll>}
    </div>
  )
}
