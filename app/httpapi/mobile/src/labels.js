// Chinese names of erpd's codes, with the antd-mobile Tag colour.
export const orderStatus = {
  draft: ['草稿', 'default'], pending_approval: ['待审批', 'warning'], approved: ['已审核', 'primary'], rejected: ['已驳回', 'danger'],
  partially_received: ['部分入库', 'primary'], received: ['已入库', 'success'], partially_shipped: ['部分出库', 'primary'],
  shipped: ['已出库', 'success'], closed: ['已关闭', 'default'], cancelled: ['已取消', 'default'],
}
export const approvalStatus = {
  pending: ['待审批', 'warning'], approved: ['已同意', 'success'], rejected: ['已拒绝', 'danger'], cancelled: ['已撤回', 'default'],
}
export const docNames = { purchase_order: '采购订单', sales_order: '销售订单' }
export const docPaths = { purchase_order: '/purchase-orders', sales_order: '/sales-orders' }
export const roleNames = {
  admin: '管理员', manager: '经理', purchaser: '采购', sales: '销售', warehouse: '仓管', finance: '财务',
}
export const label = (map, code) => (map[code] || [code, 'default'])
// Documents an order's detail lists (关联单据).
export const relatedNames = {
  purchase_receipt: '采购入库单', purchase_return: '采购退货单', sales_shipment: '销售出库单', sales_return: '销售退货单',
  money_receipt: '收款单', money_payment: '付款单', sales_invoice: '销售发票', purchase_invoice: '采购发票',
}
