// 财务 on the phone: the boss (manager, finance) reads 现金流量表 for a
// month and the year to date; finance reads the month's 结账检查 before
// closing it in the console. Both read only: closing stays at the desk.
import { useCallback, useEffect, useState } from 'react'
import { Button, CapsuleTabs, Empty, ErrorBlock, List, PullToRefresh, Skeleton, Tag } from 'antd-mobile'
import { LeftOutline, RightOutline } from 'antd-mobile-icons'
import { can, get } from '../api.js'
import { money } from '../dec.js'
import { useShell, useTitle } from '../shell.js'

// thisMonth is the phone's month in Beijing time, the default period; the
// arrows move from it.
function thisMonth() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7)
}

function shift(period, n) {
  const [y, m] = period.split('-').map(Number)
  const d = new Date(Date.UTC(y, m - 1 + n, 1))
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
}

function PeriodBar({ period, onChange }) {
  return (
    <div className="card period-bar" data-test="period-bar">
      <Button size="small" fill="none" onClick={() => onChange(shift(period, -1))} data-test="period-prev"><LeftOutline /></Button>
      <span className="strong" data-test="period">{period.replace('-', ' 年 ')} 月</span>
      <Button size="small" fill="none" onClick={() => onChange(shift(period, 1))} disabled={period >= thisMonth()} data-test="period-next"><RightOutline /></Button>
    </div>
  )
}

// useLoad runs load for period, and again on a pull.
function useLoad(load, period) {
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const run = useCallback(async () => {
    setError(null)
    try {
      setData(await load(period))
    } catch (e) {
      setError(e)
      setData(null)
    }
  }, [load, period])
  useEffect(() => { setData(null); run() }, [run])
  return { data, error, run }
}

const loadCashFlow = (period) => get('/reports/cash-flow', { period })
const loadChecklist = (period) => get(`/periods/${period}/checklist`)

function CashFlow({ period }) {
  const { data, error, run } = useLoad(loadCashFlow, period)
  return (
    <PullToRefresh onRefresh={run}>
      <div className="pull-body" data-test="cash-flow">
        {error && <ErrorBlock status="default" title="加载失败" description={error.text || error.message} />}
        {!data && !error && <div className="card"><Skeleton.Paragraph lineCount={8} animated /></div>}
        {data && (
          <List className="card-list" header={<span>会小企03表 · 单位：元 · 左为本月，下为本年累计</span>}>
            {data.items.map((r, i) => r.heading
              ? <List.Item key={i} className="cf-heading" data-test="cf-heading">{r.item}</List.Item>
              : (
                <List.Item key={i} data-test="cf-row" data-line={r.line ?? ''}
                  description={r.col1 != null ? `本年累计 ${money(r.col1)}` : undefined}
                  extra={<span className={r.total ? 'strong' : ''} data-test="cf-month">{r.col2 != null ? money(r.col2) : ''}</span>}>
                  <span className={r.total ? 'strong' : ''}>{r.line ? `${r.line}. ` : ''}{r.item}</span>
                </List.Item>
              ))}
          </List>
        )}
      </div>
    </PullToRefresh>
  )
}

const levels = {
  block: { color: 'danger', text: '阻止结账' },
  warn: { color: 'warning', text: '提醒' },
  info: { color: 'default', text: '提示' },
  ok: { color: 'success', text: '通过' },
}

function Checklist({ period }) {
  const { data, error, run } = useLoad(loadChecklist, period)
  return (
    <PullToRefresh onRefresh={run}>
      <div className="pull-body" data-test="checklist">
        {error && <ErrorBlock status="default" title="加载失败" description={error.text || error.message} />}
        {!data && !error && <div className="card"><Skeleton.Paragraph lineCount={6} animated /></div>}
        {data && (
          <>
            <div className="card" data-test="checklist-summary">
              {data.blocking.length
                ? <Tag color="danger">{data.blocking.length} 项阻止结账</Tag>
                : <Tag color="success">可以结账</Tag>}
              <div className="muted small" style={{ marginTop: 6 }}>
                {data.early ? `本月最后一天（${data.last_day}）还没过，结账需在电脑上勾选“提前结账”并填写原因。` : `本月已于 ${data.last_day} 结束。`}
                结账请在电脑上的管理后台操作（财务 → 期末结账）。
              </div>
            </div>
            {data.items.length === 0 && <Empty description="没有检查项目" />}
            <List className="card-list">
              {data.items.map((it) => {
                const lv = levels[it.level] || levels.info
                return (
                  <List.Item key={it.code} data-test="check-item" data-level={it.level}
                    description={<div>{it.message}{(it.details || []).map((d, i) => <div key={i} className="small">· {d}</div>)}</div>}
                    extra={<Tag color={lv.color} fill="outline">{lv.text}</Tag>}>
                    {it.title}{it.count ? `（${it.count}）` : ''}
                  </List.Item>
                )
              })}
            </List>
          </>
        )}
      </div>
    </PullToRefresh>
  )
}

export default function Finance() {
  useTitle('财务')
  const { user } = useShell()
  const checks = can(user, 'ledger:admin')
  const [tab, setTab] = useState(() => (checks && sessionStorage.getItem('erpd.h5.finance.tab')) || 'cash-flow')
  const [period, setPeriod] = useState(() => sessionStorage.getItem('erpd.h5.finance.period') || thisMonth())
  function choose(p) {
    sessionStorage.setItem('erpd.h5.finance.period', p)
    setPeriod(p)
  }
  function switchTab(k) {
    sessionStorage.setItem('erpd.h5.finance.tab', k)
    setTab(k)
  }
  return (
    <div className="page finance">
      {checks && (
        <CapsuleTabs activeKey={tab} onChange={switchTab} className="sticky-tabs">
          <CapsuleTabs.Tab title="现金流量表" key="cash-flow" />
          <CapsuleTabs.Tab title="结账检查" key="checklist" />
        </CapsuleTabs>
      )}
      <PeriodBar period={period} onChange={choose} />
      {tab === 'checklist' && checks ? <Checklist period={period} /> : <CashFlow period={period} />}
    </div>
  )
}
