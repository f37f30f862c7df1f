import { createRouter, createWebHistory } from 'vue-router'
import { session } from './api'
import Layout from './views/Layout.vue'
import Login from './views/Login.vue'

const StockDocs = () => import('./views/StockDocs.vue')

// Each page names the permission it needs; the menu hides what the user
// may not open, and the API refuses it anyway. billAt names the billing
// mode a page belongs to (the invoice pages: only when receivables and
// payables arise at the invoice).
export const pages = [
  { path: '', name: 'dashboard', title: '工作台', icon: 'Odometer', component: () => import('./views/Dashboard.vue') },
  { path: 'approvals', name: 'approvals', title: '审批待办', icon: 'Stamp', perm: 'approval:decide', component: () => import('./views/Approvals.vue') },
  { path: 'purchase-orders', name: 'purchase-orders', title: '采购订单', icon: 'ShoppingCart', group: '采购', perm: 'purchase:read', props: { kind: 'purchase' }, component: () => import('./views/Orders.vue') },
  { path: 'sales-orders', name: 'sales-orders', title: '销售订单', icon: 'Sell', group: '销售', perm: 'sales:read', props: { kind: 'sales' }, component: () => import('./views/Orders.vue') },
  { path: 'stock', name: 'stock', title: '库存查询', icon: 'Box', group: '库存', perm: 'stock:read', component: () => import('./views/Stock.vue') },
  { path: 'purchase-receipts', name: 'purchase-receipts', title: '采购入库单', icon: 'Download', group: '采购', perm: 'purchase:read', props: { kind: 'purchase-receipts' }, component: StockDocs },
  { path: 'purchase-returns', name: 'purchase-returns', title: '采购退货单', icon: 'RefreshLeft', group: '采购', perm: 'purchase:read', props: { kind: 'purchase-returns' }, component: StockDocs },
  { path: 'sales-shipments', name: 'sales-shipments', title: '销售出库单', icon: 'Upload', group: '销售', perm: 'sales:read', props: { kind: 'sales-shipments' }, component: StockDocs },
  { path: 'sales-returns', name: 'sales-returns', title: '销售退货单', icon: 'RefreshRight', group: '销售', perm: 'sales:read', props: { kind: 'sales-returns' }, component: StockDocs },
  { path: 'transfers', name: 'transfers', title: '调拨单', icon: 'Switch', group: '库存', perm: 'stock:read', props: { kind: 'transfers' }, component: StockDocs },
  { path: 'stocktakes', name: 'stocktakes', title: '盘点单', icon: 'List', group: '库存', perm: 'stock:read', props: { kind: 'stocktakes' }, component: StockDocs },
  { path: 'reorder-levels', name: 'reorder-levels', title: '补货参数', icon: 'Warning', group: '库存', perm: 'master:read', component: () => import('./views/ReorderLevels.vue') },
  { path: 'stock-ledger', name: 'stock-ledger', title: '库存流水', icon: 'Tickets', group: '库存', perm: 'stock:read', component: () => import('./views/StockMoves.vue') },
  { path: 'products', name: 'products', title: '商品', icon: 'Goods', group: '基础资料', perm: 'master:read', props: { kind: 'products' }, component: () => import('./views/Master.vue') },
  { path: 'partners', name: 'partners', title: '往来单位', icon: 'OfficeBuilding', group: '基础资料', perm: 'master:read', props: { kind: 'partners' }, component: () => import('./views/Master.vue') },
  { path: 'warehouses', name: 'warehouses', title: '仓库', icon: 'House', group: '基础资料', perm: 'master:read', props: { kind: 'warehouses' }, component: () => import('./views/Master.vue') },
  { path: 'units', name: 'units', title: '计量单位', icon: 'Scale', group: '基础资料', perm: 'master:read', props: { kind: 'units' }, component: () => import('./views/Master.vue') },
  { path: 'reports/:name?', name: 'reports', title: '报表', icon: 'DataAnalysis', component: () => import('./views/Reports.vue') },
  { path: 'receipts', name: 'receipts', title: '收款单', icon: 'Money', group: '财务', perm: 'ledger:read', props: { kind: 'receipts' }, component: () => import('./views/Money.vue') },
  { path: 'payments', name: 'payments', title: '付款单', icon: 'Wallet', group: '财务', perm: 'ledger:read', props: { kind: 'payments' }, component: () => import('./views/Money.vue') },
  { path: 'sales-invoices', name: 'sales-invoices', title: '销售发票', icon: 'DocumentChecked', group: '财务', perm: 'ledger:read', billAt: 'invoice', props: { kind: 'sales' }, component: () => import('./views/Invoices.vue') },
  { path: 'purchase-invoices', name: 'purchase-invoices', title: '采购发票', icon: 'DocumentAdd', group: '财务', perm: 'ledger:read', billAt: 'invoice', props: { kind: 'purchase' }, component: () => import('./views/Invoices.vue') },
  { path: 'vouchers', name: 'vouchers', title: '凭证', icon: 'Tickets', group: '财务', perm: 'ledger:read', component: () => import('./views/Vouchers.vue') },
  { path: 'accounts', name: 'accounts', title: '会计科目', icon: 'Notebook', group: '财务', perm: 'ledger:read', component: () => import('./views/Accounts.vue') },
  { path: 'voucher-templates', name: 'voucher-templates', title: '凭证模板', icon: 'Files', group: '财务', perm: 'ledger:read', component: () => import('./views/VoucherTemplates.vue') },
  { path: 'opening-balances', name: 'opening-balances', title: '期初余额', icon: 'Flag', group: '财务', perm: 'ledger:read', component: () => import('./views/OpeningBalances.vue') },
  { path: 'finance-settings', name: 'finance-settings', title: '财务设置', icon: 'Operation', group: '财务', perm: 'ledger:read', component: () => import('./views/FinanceSettings.vue') },
  { path: 'periods', name: 'periods', title: '期末结账', icon: 'Calendar', group: '财务', perm: 'ledger:read', component: () => import('./views/Periods.vue') },
  { path: 'imports', name: 'imports', title: '数据导入', icon: 'Upload', group: '系统', perm: 'master:write', component: () => import('./views/Import.vue') },
  { path: 'users', name: 'users', title: '用户', icon: 'Avatar', group: '系统', perm: 'user:manage', component: () => import('./views/Users.vue') },
  { path: 'departments', name: 'departments', title: '部门', icon: 'School', group: '系统', perm: 'user:manage', component: () => import('./views/Departments.vue') },
  { path: 'roles', name: 'roles', title: '角色与权限', icon: 'Key', group: '系统', perm: 'user:manage', component: () => import('./views/Roles.vue') },
  { path: 'settings', name: 'settings', title: '系统设置', icon: 'Setting', group: '系统', perm: 'user:manage', component: () => import('./views/Settings.vue') },
  { path: 'audit-logs', name: 'audit-logs', title: '审计日志', icon: 'Document', group: '系统', perm: 'audit:read', component: () => import('./views/AuditLog.vue') },
]

const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: Login, meta: { public: true } },
    { path: '/login/dingtalk', name: 'login-dingtalk', component: () => import('./views/DingTalkCallback.vue'), meta: { public: true } },
    { path: '/', component: Layout, children: pages.map((p) => ({ path: p.path, name: p.name, component: p.component, props: p.props || false, meta: { title: p.title, perm: p.perm } })) },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { path: '/login', query: { next: to.fullPath } }
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + 'erpd 管理后台'
})

export default router
