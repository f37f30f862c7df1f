package store

import (
	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
)

// OrderDocuments reads the documents made from an order (receipts,
// shipments and their returns) in a scope and, with finance, the invoices
// covering them and the receipts and payments settled (核销) against them
// or those invoices. Stock documents are scoped as ever (through their
// order); invoices and money documents are finance's and read whole, as
// their own lists are, so finance says whether the caller may see them at
// all. Unsorted: domain.SortRelatedDocs orders them.
func OrderDocuments(q Q, sc Scope, orderID int64, finance bool) ([]domain.RelatedDoc, error) {
	var stock []struct {
		ID                   int64
		Type, Number, Status string
		BizDate              string
		Total                decimal.Decimal
	}
	db := scopedStockDocs(q.DB().Table("stock_docs"), sc, "stock_docs").Where("stock_docs.order_id = ?", orderID)
	if err := db.Select("stock_docs.id, stock_docs.type, stock_docs.number, stock_docs.status, stock_docs.biz_date, stock_docs.total").
		Order("stock_docs.id").Find(&stock).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.RelatedDoc, 0, len(stock))
	ids := make([]int64, len(stock))
	for i, d := range stock {
		ids[i] = d.ID
		out = append(out, domain.RelatedDoc{Kind: domain.RelStock, Type: d.Type, ID: d.ID, Number: d.Number, Date: d.BizDate,
			Status: d.Status, Total: domain.RoundAmount(d.Total)})
	}
	if !finance || len(ids) == 0 {
		return out, nil
	}
	stockTypes := []string{domain.DocPurchaseReceipt, domain.DocPurchaseReturn, domain.DocSalesShipment, domain.DocSalesReturn}
	var invs []struct {
		ID           int64
		Type, Number string
		Date         string
		Total        decimal.Decimal
	}
	if err := q.DB().Table("invoices i").Select("DISTINCT i.id, i.type, i.number, i.date, i.total").
		Joins("JOIN invoice_lines il ON il.invoice_id = i.id").
		Where("il.doc_type IN ? AND il.doc_id IN ?", stockTypes, ids).Order("i.id").Find(&invs).Error; err != nil {
		return nil, translate(err)
	}
	// The money: open items of the documents and their invoices, the
	// items allocated against them, and the money documents those are.
	type key struct {
		typ string
		id  int64
	}
	docKeys := make([]key, 0, len(ids)+len(invs))
	for _, d := range stock {
		docKeys = append(docKeys, key{d.Type, d.ID})
	}
	for _, inv := range invs {
		out = append(out, domain.RelatedDoc{Kind: domain.RelInvoice, Type: inv.Type, ID: inv.ID, Number: inv.Number, Date: inv.Date,
			Total: domain.RoundAmount(inv.Total)})
		docKeys = append(docKeys, key{inv.Type, inv.ID})
	}
	itemQ := q.DB().Table("open_items").Select("id")
	cond := q.DB()
	for i, k := range docKeys {
		if i == 0 {
			cond = cond.Where("doc_type = ? AND doc_id = ?", k.typ, k.id)
		} else {
			cond = cond.Or("doc_type = ? AND doc_id = ?", k.typ, k.id)
		}
	}
	var itemIDs []int64
	if err := itemQ.Where(cond).Pluck("id", &itemIDs).Error; err != nil {
		return nil, translate(err)
	}
	if len(itemIDs) == 0 {
		return out, nil
	}
	var money []struct {
		ID           int64
		Type, Number string
		Date         string
		Amount       decimal.Decimal
	}
	moneyTypes := []string{domain.DocMoneyReceipt, domain.DocMoneyPayment}
	other := q.DB().Table("allocations a").Select("CASE WHEN a.debit_item_id IN ? THEN a.credit_item_id ELSE a.debit_item_id END", itemIDs).
		Where("a.debit_item_id IN ? OR a.credit_item_id IN ?", itemIDs, itemIDs)
	if err := q.DB().Table("money_docs m").Select("m.id, m.type, m.number, m.date, m.amount").
		Joins("JOIN open_items oi ON oi.doc_type = m.type AND oi.doc_id = m.id").
		Where("m.type IN ? AND oi.id IN (?)", moneyTypes, other).Order("m.id").Find(&money).Error; err != nil {
		return nil, translate(err)
	}
	for _, m := range money {
		out = append(out, domain.RelatedDoc{Kind: domain.RelMoney, Type: m.Type, ID: m.ID, Number: m.Number, Date: m.Date,
			Total: domain.RoundAmount(m.Amount)})
	}
	return out, nil
}
