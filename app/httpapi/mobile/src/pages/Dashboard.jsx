// 首页: today's figures, the last seven days of sales and what runs low,
// each shown only when the user may see it (erpd sends null otherwise).
import { useCallback, useEffect, useState } from 'react'
import { Button, ErrorBlock, List, PullToRefresh, Skeleton, Tag } from 'antd-mobile'
import { get } from '../api.js'
import { money, qty, ratio } from '../dec.js'
import { inDingTalk } from '../dd.js'
import { roleNames } from '../labels.js'
import { go } from '../router.js'
import { useShell, useTitle } from '../shell.js'

function greeting() {
  const h = Number(new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: 'numeric', hour12: false }).format(new Date()))
  if (h < 6) return '夜深了'
  if (h < 11) return '早上好'
  if (h < 13) return '中午好'
  if (h < 18) return '下午好'
  return '晚上好'
}

function Stat({ name, value, sub, tone, onClick, test }) {
  return (
    <div className={'stat' + (onClick ? ' tap' : '') + (tone ? ' ' + tone : '')} onClick={onClick} data-test={test}>
      <div className="stat-name">{name}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  )
}

export default function Dashboard() {
  const { user, logout, refreshBadges } = useShell()
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  useTitle('首页')

  const load = useCallback(async () => {
    try {
      setData(await get('/dashboard'))
      setError(null)
      refreshBadges()
    } catch (e) {
      setError(e)
    }
  }, [refreshBadges])
  useEffect(() => { load() }, [load])

  const week = (data?.sales_trend || []).slice(-7)
  const top = week.reduce((m, p) => (Number(p.total) > Number(m) ? p.total : m), '0')
  const roles = (user.roles || []).map((r) => roleNames[r] || r).join('、')

  return (
    <PullToRefresh onRefresh={load}>
      <div className="page dashboard">
        <div className="hello" data-test="hello">
          <div>
            <div className="hello-name">{user.name || user.username}，{greeting()}</div>
            <div className="hello-sub">{roles}{data ? ` · ${data.date}` : ''}</div>
          </div>
          {!inDingTalk && <Button size="mini" fill="outline" onClick={logout} className="logout">退出</Button>}
        </div>

        {error && <ErrorBlock status="default" title="加载失败" description={error.text} />}
        {!data && !error && (
          <div className="card"><Skeleton.Title animated /><Skeleton.Paragraph lineCount={5} animated /></div>
        )}
        {data && (
          <>
            <div className="stats" data-test="stats">
              {data.sales && <Stat name="今日销售" value={money(data.sales.total)} sub={`${data.sales.count} 单`} test="sales-today" />}
              {data.purchases && <Stat name="今日采购" value={money(data.purchases.total)} sub={`${data.purchases.count} 单`} test="purchases-today" />}
              {data.stock_value != null && <Stat name="库存金额" value={money(data.stock_value)} sub="按成本" test="stock-value" />}
              <Stat name="低库存" value={String(data.low_stock_total ?? 0)} sub="低于补货点" tone={data.low_stock_total ? 'danger' : ''}
                test="low-stock" onClick={() => go('/stock', { replace: true })} />
              {data.pending_approvals != null && (
                <Stat name="待审批" value={String(data.pending_approvals)} sub="点此处理" tone={data.pending_approvals ? 'warning' : ''}
                  test="pending" onClick={() => go('/approvals', { replace: true })} />
              )}
            </div>

            {data.sales && week.length > 0 && (
              <div className="card">
                <div className="card-title">近 7 天销售</div>
                <div className="bars" data-test="trend">
                  {week.map((p) => (
                    <div className="bar-row" key={p.date}>
                      <span className="bar-date">{p.date.slice(5)}</span>
                      <span className="bar-track"><span className="bar-fill" style={{ width: `${Math.max(ratio(p.total, top) * 100, Number(p.total) > 0 ? 2 : 0)}%` }} /></span>
                      <span className="bar-value">{money(p.total)}</span>
                    </div>
                  ))}
                </div>
              </div>
            )}

            {data.low_stock && data.low_stock.length > 0 && (
              <List header={<span className="card-title">低库存提醒{data.low_stock_total > 5 ? `（共 ${data.low_stock_total} 项）` : ''}</span>} className="low-list">
                {data.low_stock.slice(0, 5).map((l) => (
                  <List.Item key={l.product_id + l.warehouse} description={`${l.sku} · ${l.warehouse}`}
                    extra={<Tag color="danger" fill="outline">可用 {qty(l.available)} / 补货点 {qty(l.safety_stock)}</Tag>}>
                    {l.name}
                  </List.Item>
                ))}
              </List>
            )}
          </>
        )}
      </div>
    </PullToRefresh>
  )
}
