import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Button, DotLoading, NavBar, Result, SafeArea, SpinLoading, TabBar } from 'antd-mobile'
import { AddSquareOutline, AppOutline, BillOutline, CheckShieldOutline, HistogramOutline, TruckOutline, UnorderedListOutline } from 'antd-mobile-icons'
import { ApiError, can, clearCache, get, post, session, whenUnauthorized } from './api.js'
import { authCode, configure, inDingTalk, pageURL } from './dd.js'
import { go, useRoute } from './router.js'
import { Shell } from './shell.js'
import Login from './pages/Login.jsx'

const home = () => import('./pages/Dashboard.jsx')
const pages = {
  '/stock': () => import('./pages/Stock.jsx'),
  '/order': () => import('./pages/OrderNew.jsx'),
  '/approvals': () => import('./pages/ApprovalDetail.jsx'), // imports the list too
  '/vouchers': () => import('./pages/Vouchers.jsx'),
  '/finance': () => import('./pages/Finance.jsx'),
  '/orders': () => import('./pages/OrderDetail.jsx'),
  '/shipments': () => import('./pages/Shipments.jsx'),
}
const Dashboard = lazy(home)
const Stock = lazy(pages['/stock'])
const OrderNew = lazy(pages['/order'])
const Approvals = lazy(() => import('./pages/Approvals.jsx'))
const ApprovalDetail = lazy(pages['/approvals'])
const VoucherList = lazy(() => pages['/vouchers']().then((m) => ({ default: m.VoucherList })))
const Finance = lazy(pages['/finance'])
const OrderDetail = lazy(pages['/orders'])
const ShipmentList = lazy(() => pages['/shipments']().then((m) => ({ default: m.ShipmentList })))
const ShipmentDetail = lazy(() => pages['/shipments']().then((m) => ({ default: m.ShipmentDetail })))
const VoucherDetail = lazy(() => pages['/vouchers']().then((m) => ({ default: m.VoucherDetail })))

const TABS = [
  { key: '/', title: '首页', icon: <AppOutline /> },
  { key: '/stock', title: '库存', icon: <UnorderedListOutline />, perm: 'stock:read' },
  { key: '/order', title: '开单', icon: <AddSquareOutline />, perm: 'sales:write' },
  // 出库单 with its delivery information, for the warehouse keeper (who
  // posts them; reading one takes sales:read, which the keeper has).
  { key: '/shipments', title: '出库', icon: <TruckOutline />, perm: 'stock:write', also: 'sales:read' },
  { key: '/approvals', title: '审批', icon: <CheckShieldOutline />, perm: 'approval:decide' },
  { key: '/vouchers', title: '凭证', icon: <BillOutline />, perm: 'ledger:admin' }, // 凭证审核
  { key: '/finance', title: '财务', icon: <HistogramOutline />, perm: 'ledger:read' }, // 现金流量表, 结账检查
]

// corpId comes from the homepage URL (DingTalk fills in $CORPID$), else
// from erpd's own configuration.
async function corpId() {
  const q = new URLSearchParams(window.location.search).get('corpId')
  if (q && !q.includes('$')) return q
  const info = await get('/dingtalk/h5')
  if (!info.enabled || !info.corp_id) throw Object.assign(new Error('ERP 尚未连接钉钉，请联系管理员'), { title: '未连接钉钉' })
  return info.corp_id
}

// blocked turns a failed sign-in into the full page shown instead of the
// app. Only a tap retries: an automatic retry would loop on a refusal.
function blocked(e) {
  if (e instanceof ApiError) {
    if (e.status === 403) {
      return { title: '账号未关联', text: e.message, retry: false, icon: 'forbidden' }
    }
    if (e.status === 401) return { title: '钉钉免登失败', text: e.message, retry: true }
    if (e.status === 503) return { title: '暂时连不上钉钉', text: e.message, retry: true }
    if (e.status === 0) return { title: '网络不通', text: e.message, retry: true }
    return { title: '登录失败', text: e.message, retry: true }
  }
  const msg = (e && (e.errorMessage || e.message)) || String(e)
  return { title: e.title || '无法获取钉钉授权', text: msg, retry: true }
}

// sign asks erpd to sign dd.config for this address; JSAPIs that need it
// wait inside the SDK until it is done.
async function sign() {
  try {
    const cfg = await get('/dingtalk/jsapi-config', { url: pageURL() })
    await configure(cfg)
  } catch (e) {
    console.warn('JSAPI 签名失败', e)
  }
}

export default function App() {
  const [stage, setStage] = useState({ name: 'boot' })
  const [head, setHead] = useState({ title: '' })
  const [pending, setPending] = useState(0)
  const reauthAt = useRef(0)
  const path = useRoute()

  const boot = useCallback(async () => {
    setStage({ name: 'boot' })
    clearCache()
    if (inDingTalk || session.token) home().catch(() => {}) // fetched while signing in
    if (inDingTalk) {
      try {
        const code = await authCode(await corpId())
        const s = await post('/auth/dingtalk', { auth_code: code })
        session.save(s.token, s.user)
        setStage({ name: 'ready', user: s.user })
        sign()
      } catch (e) {
        session.clear()
        setStage({ name: 'blocked', ...blocked(e) })
      }
      return
    }
    if (session.token) {
      try {
        const me = await get('/me')
        session.save(null, me)
        setStage({ name: 'ready', user: me })
        return
      } catch (e) {
        if (e.status !== 401) {
          setStage({ name: 'blocked', ...blocked(e) })
          return
        }
      }
    }
    session.clear()
    setStage({ name: 'login' })
  }, [])

  useEffect(() => { boot() }, [boot])

  // An expired token: inside DingTalk sign in again silently (at most once
  // a minute, so a refusing server cannot loop us), outside back to login.
  useEffect(() => {
    whenUnauthorized(() => {
      session.clear()
      if (inDingTalk && Date.now() - reauthAt.current > 60000) {
        reauthAt.current = Date.now()
        boot()
      } else if (inDingTalk) {
        setStage({ name: 'blocked', title: '登录已失效', text: '请关闭后重新打开应用', retry: true })
      } else {
        setStage({ name: 'login', expired: true })
      }
    })
  }, [boot])

  const user = stage.user
  const tabs = useMemo(() => TABS.filter((t) => (!t.perm || can(user, t.perm)) && (!t.also || can(user, t.also))), [user])

  const refreshBadges = useCallback(async () => {
    if (!can(user, 'approval:decide')) return
    try {
      setPending((await get('/approvals', { status: 'pending', page_size: 1 })).total || 0)
    } catch { /* the badge is a hint */ }
  }, [user])
  useEffect(() => { if (user) refreshBadges() }, [user, refreshBadges])

  // Once the first page is up, fetch the other tabs' code, so a tap on a
  // tab waits only for its data.
  useEffect(() => {
    if (!user) return
    const t = setTimeout(() => tabs.forEach((x) => pages[x.key] && pages[x.key]().catch(() => {})), 800)
    return () => clearTimeout(t)
  }, [user, tabs])

  const logout = useCallback(async () => {
    try { await post('/auth/logout', {}) } catch { /* the token is dropped anyway */ }
    session.clear()
    go('/', { replace: true })
    setStage({ name: 'login' })
  }, [])

  const shell = useMemo(() => ({ user, setHead, refreshBadges, logout }), [user, refreshBadges, logout])

  if (stage.name === 'boot') {
    return (
      <div className="center" data-test="booting">
        <SpinLoading color="primary" style={{ '--size': '36px' }} />
        <div className="muted" style={{ marginTop: 16 }}>{inDingTalk ? '正在通过钉钉登录' : '正在加载'}<DotLoading /></div>
      </div>
    )
  }
  if (stage.name === 'blocked') {
    return (
      <div className="center blocked" data-test="blocked">
        <Result status={stage.icon === 'forbidden' ? 'warning' : 'error'} title={stage.title} description={stage.text} />
        {stage.retry && <Button color="primary" fill="outline" onClick={boot} data-test="retry">重新登录</Button>}
      </div>
    )
  }
  if (stage.name === 'login') {
    return <Login expired={stage.expired} onDone={(u) => setStage({ name: 'ready', user: u })} />
  }

  const approval = path.match(/^\/approvals\/(\d+)$/)
  const voucher = path.match(/^\/vouchers\/(\d+)$/)
  const order = path.match(/^\/orders\/(purchase|sales)\/(\d+)$/)
  const shipment = path.match(/^\/shipments\/(\d+)$/)
  const detail = approval || voucher || order || shipment
  const tab = approval ? '/approvals' : voucher ? '/vouchers' : shipment ? '/shipments' : tabs.some((t) => t.key === path) ? path : '/'
  let page
  if (approval && can(user, 'approval:decide')) page = <ApprovalDetail id={Number(approval[1])} />
  else if (voucher && can(user, 'ledger:admin')) page = <VoucherDetail id={Number(voucher[1])} />
  else if (order && can(user, order[1] + ':read')) page = <OrderDetail key={path} kind={order[1]} id={Number(order[2])} />
  else if (shipment && can(user, 'sales:read')) page = <ShipmentDetail id={Number(shipment[1])} />
  else if (tab === '/stock') page = <Stock />
  else if (tab === '/order') page = <OrderNew />
  else if (tab === '/approvals') page = <Approvals />
  else if (tab === '/vouchers') page = <VoucherList />
  else if (tab === '/finance') page = <Finance />
  else if (tab === '/shipments') page = <ShipmentList />
  else page = <Dashboard />

  return (
    <Shell.Provider value={shell}>
      <div className="app">
        {!inDingTalk && (
          <NavBar className="navbar" data-test="navbar" backArrow={!!head.back} onBack={head.back ? () => go(head.back, { replace: true }) : undefined}>
            {head.title}
          </NavBar>
        )}
        <main className="body">
          <Suspense fallback={<div className="center"><SpinLoading color="primary" /></div>}>
            {page}
          </Suspense>
        </main>
        {!detail && tabs.length > 1 && (
          <div className="tabbar">
            <TabBar activeKey={tab} onChange={(k) => go(k, { replace: true })} safeArea>
              {tabs.map((t) => (
                <TabBar.Item key={t.key} icon={t.icon} title={t.title} badge={t.key === '/approvals' && pending ? (pending > 99 ? '99+' : pending) : undefined} />
              ))}
            </TabBar>
          </div>
        )}
        {detail && <SafeArea position="bottom" />}
      </div>
    </Shell.Provider>
  )
}

