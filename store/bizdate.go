package store

import (
	"fmt"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
)

// PeriodIsClosed reports whether a month's row says closed (a month with
// no row is open).
func PeriodIsClosed(q Q, period string) (bool, error) {
	return exists(q.DB().Table("periods").Where("period = ? AND status = ?", period, PeriodClosed))
}

// StockValueThrough is the stock's value at the end of a business day:
// the sum of the moves whose business date is on or before it, which is
// what 1405 holds through that day's month.
func StockValueThrough(q Q, day string) (decimal.Decimal, error) {
	var v struct{ Value decimal.Decimal }
	err := q.DB().Table("stock_moves").Select("COALESCE(SUM(amount), 0) AS value").Where("biz_date <= ?", day).Scan(&v).Error
	return domain.RoundAmount(v.Value), translate(err)
}

// DraftsDated counts the drafts (transfers, stocktakes) whose business
// date falls in [from, to] (Shanghai days).
func DraftsDated(q Q, from, to string) ([]domain.DraftCount, error) {
	out := []domain.DraftCount{}
	for _, t := range []struct{ table, doc string }{{"transfers", domain.DocTransfer}, {"stocktakes", domain.DocStocktake}} {
		var n int64
		if err := q.DB().Table(t.table).Where("status = ? AND biz_date >= ? AND biz_date <= ?", domain.DocDraft, from, to).
			Count(&n).Error; err != nil {
			return nil, translate(err)
		}
		out = append(out, domain.DraftCount{DocType: t.doc, Count: int(n)})
	}
	return out, nil
}

// PendingApprovalCount counts the orders waiting for approval.
func PendingApprovalCount(q Q) (int, error) {
	var n int64
	err := q.DB().Table("orders").Where("status = ?", domain.OrderPending).Count(&n).Error
	return int(n), translate(err)
}

// NegativeStockThrough names the balances (product, warehouse, batch)
// whose quantity was below zero at the end of a business day, at most
// limit of them.
func NegativeStockThrough(q Q, day string, limit int) ([]string, error) {
	var rows []struct {
		ProductName, WarehouseName, Batch string
		Qty                               decimal.Decimal
	}
	err := q.DB().Table("stock_moves m").
		Select("COALESCE(p.name, '') AS product_name, COALESCE(w.name, '') AS warehouse_name, m.batch, SUM(m.qty) AS qty").
		Joins("LEFT JOIN products p ON p.id = m.product_id").Joins("LEFT JOIN warehouses w ON w.id = m.warehouse_id").
		Where("m.biz_date <= ?", day).Group("m.product_id, m.warehouse_id, m.batch, p.name, w.name").
		Having("SUM(m.qty) < 0").Order("m.product_id, m.warehouse_id, m.batch").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		s := fmt.Sprintf("%s @ %s：%s", r.ProductName, r.WarehouseName, r.Qty.String())
		if r.Batch != "" {
			s = fmt.Sprintf("%s（批次 %s）@ %s：%s", r.ProductName, r.Batch, r.WarehouseName, r.Qty.String())
		}
		out = append(out, s)
	}
	return out, nil
}
