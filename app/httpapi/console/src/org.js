// Chinese names and helpers for the organisation and settings screens
// (users, departments, roles, settings).
import { get } from './api'

// Data scopes (domain.ScopeOwn…): which documents a user sees.
export const scopes = [
  { value: 'own', label: '本人', hint: '只看自己创建的单据' },
  { value: 'department', label: '本部门及下级', hint: '看本部门（主管还含下级部门）成员的单据' },
  { value: 'all', label: '全部', hint: '看全公司的单据' },
]
export const scopeName = (v) => (scopes.find((s) => s.value === v) || {}).label || v

// The API's default scope for a new user (domain.DefaultScope): buyers and
// sellers see their own documents, everyone else all of them.
export const defaultScope = (roles) => ((roles || []).some((r) => r === 'sales' || r === 'purchaser') ? 'own' : 'all')

// Permissions by module, in the order the matrix shows them.
export const permGroups = [
  { name: '基础资料', perms: [['master:read', '查看基础资料'], ['master:write', '维护商品、往来单位、仓库等'], ['partner:credit', '设置往来单位信用额度'], ['warehouse:policy', '设置仓库允许负库存'], ['dict:write', '维护数据字典']] },
  { name: '库存', perms: [['stock:read', '查看库存'], ['stock:write', '出入库、期初、调拨、盘点'], ['cost:read', '查看成本、库存金额与毛利']] },
  { name: '采购', perms: [['purchase:read', '查看采购单据'], ['purchase:write', '新建、提交采购订单']] },
  { name: '销售', perms: [['sales:read', '查看销售单据'], ['sales:write', '新建、提交销售订单']] },
  { name: '审批', perms: [['approval:decide', '审批单据'], ['approval:admin', '设置审批流程']] },
  { name: '财务', perms: [['ledger:read', '查看账簿与报表'], ['ledger:write', '录入凭证、收付款'], ['ledger:admin', '科目、凭证模板与期末结账'], ['ledger:reopen', '反结账（重开已结账期间）']] },
  { name: '系统', perms: [['user:manage', '用户、角色、部门与钉钉连接'], ['audit:read', '查看审计日志']] },
]
export const permNames = Object.fromEntries(permGroups.flatMap((g) => g.perms))

// Messages erpd sends to DingTalk through its outbox.
export const outboxKinds = {
  'oa.start': '发起钉钉 OA 审批', 'oa.terminate': '撤回钉钉 OA 审批', 'approval.cards': '审批卡片（发给审批人）',
  'approval.ended': '审批结果通知（发给提交人）', lowstock: '低库存提醒卡片',
}
export const outboxStatus = { pending: ['待发送', 'warning'], done: ['已发送', 'success'], failed: ['发送失败', 'danger'] }

// The dictionaries every company starts with; an administrator may open
// others (lower-case letters, digits and _).
export const dictTypes = [
  { value: 'payment_method', label: '结算方式' },
  { value: 'customer_level', label: '客户等级' },
  { value: 'shipping_method', label: '发货方式' },
]
export const dictTypePattern = /^[a-z][a-z0-9_]{0,31}$/

// allPages reads every page of a list (200 a page, the API's maximum).
export async function allPages(path, params = {}) {
  const first = await get(path, { ...params, page: 1, page_size: 200 })
  const items = [...first.items]
  const pages = Math.ceil(first.total / 200)
  if (pages > 1) {
    const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => get(path, { ...params, page: i + 2, page_size: 200 })))
    for (const l of rest) items.push(...l.items)
  }
  return items
}

// deptTree nests the mirrored departments under their parents; orphans
// (parent not in the list) become roots.
export function deptTree(depts) {
  const byId = new Map(depts.map((d) => [d.id, { ...d, children: [] }]))
  const roots = []
  for (const d of byId.values()) {
    const parent = d.parent_id && byId.get(d.parent_id)
    if (parent) parent.children.push(d)
    else roots.push(d)
  }
  for (const d of byId.values()) if (!d.children.length) delete d.children
  return roots
}
