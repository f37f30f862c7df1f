// Chinese names of erpd's codes, for tags and columns.
export const orderStatus = {
  draft: ['草稿', 'info'], pending_approval: ['待审批', 'warning'], approved: ['已审核', 'primary'], rejected: ['已驳回', 'danger'],
  partially_received: ['部分入库', 'primary'], received: ['已入库', 'success'], partially_shipped: ['部分出库', 'primary'],
  shipped: ['已出库', 'success'], closed: ['已关闭', 'info'], cancelled: ['已取消', 'info'],
}
export const docNames = {
  purchase_order: '采购订单', sales_order: '销售订单', purchase_receipt: '采购入库单', purchase_return: '采购退货单',
  sales_shipment: '销售出库单', sales_return: '销售退货单', money_receipt: '收款单', money_payment: '付款单',
  sales_invoice: '销售发票', purchase_invoice: '采购发票', manual: '手工凭证', reversal: '红字冲销', closing: '期末结转',
  opening: '期初', transfer: '调拨单', stocktake: '盘点单', adjust: '调整',
}
export const approvalStatus = { pending: ['待审批', 'warning'], approved: ['已同意', 'success'], rejected: ['已拒绝', 'danger'], cancelled: ['已撤回', 'info'] }
