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
// in any warehouse would not appear (and it has no spec or barcode); the
// products are found first and their balances fetched by product_id, ten
// products a page, with the warehouses' reorder levels (补货参数): "low" is
// the server's word (below the level's point where the warehouse carries
// the product), so the phone says what the dashboard says.
async function fetchPage(q, page) {
  const l = await get('/products', { q, status: 'active', page, page_size: PAGE })
  let items = l.items
  // A scanned barcode also prefixes others; show the exact one when there is one.
  const exact = items.filter((p) => q && p.barcode === q)
  if (exact.length) items = exact
  const stock = await Promise.all(items.map((p) => get('/stock', { product_id: p.id, page_size: 100 }).then((s) => s.items)))
  // Levels need master:read; without it the card shows stock only.
  const levels = await Promise.all(items.map((p) => get('/reorder-levels', { product_id: p.id, page_size: 200 })
    .then((r) => r.items.filter((l) => l.carried)).catch(() => [])))
  items.forEach(remember)
  return { rows: items.map((p, i) => ({ product: p, stock: stock[i], levels: levels[i] })), more: !exact.length && page * PAGE < l.total }
}

function ProductCard({ product: p, stock, levels, units }) {
  const unit = units[p.unit_id] || ''
  const total = sum(stock.map((s) => s.on_hand))
  const level = {}
  for (const l of levels || []) level[l.warehouse_id] = l
  const point = (l) => (cmp(l.reorder_point, '0') > 0 ? l.reorder_point : l.safety_stock)
  // Carried where there is nothing at all: no balance row to tag.
  const emptyLow = (levels || []).filter((l) => l.low && !stock.some((s) => s.warehouse_id === l.warehouse_id))
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
          {emptyLow.length > 0 && <Tag color="danger">缺货</Tag>}</div>
      )}
      {stock.length > 0 && emptyLow.map((l) => (
        <div className="stock-row" key={'empty' + l.warehouse_id} data-test="stock-row" data-warehouse={l.warehouse_name}>
          <span className="stock-wh">{l.warehouse_name}</span>
          <span className="stock-num">可用 <b data-test="available">{qty(l.available)}</b></span>
          <Tag color="danger" data-test="low">缺货</Tag>
        </div>
      ))}
      {stock.map((s) => (
        <div className="stock-row" key={s.warehouse_id + '/' + s.batch} data-test="stock-row" data-warehouse={s.warehouse_name}>
          <span className="stock-wh">{s.warehouse_name}{s.batch && <small> 批次 {s.batch}</small>}</span>
          <span className="stock-num">在库 <b data-test="on-hand">{qty(s.on_hand)}</b></span>
          <span className="stock-num">可用 <b data-test="available">{qty(s.available)}</b></span>
          {level[s.warehouse_id]?.low && <Tag color="danger" data-test="low">低于补货点</Tag>}
        </div>
      ))}
      {(levels || []).length > 0 && <div className="stock-safety">补货点 {levels.map((l) => `${l.warehouse_name} ${qty(point(l))}${unit}`).join('，')}</div>}
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
