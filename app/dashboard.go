package app

import (
	"context"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// Dashboard is the console's first page (工作台): today's figures, what
// needs attention and the sales of the last 30 days. Each part is there
// only for users who may see it (nil otherwise), within their data scope.
type Dashboard struct {
	Date             string           `json:"date"`
	Sales            *DayTotal        `json:"sales"`             // 今日销售: shipments less returns, with tax
	Purchases        *DayTotal        `json:"purchases"`         // 今日采购: receipts less returns, with tax
	StockValue       *decimal.Decimal `json:"stock_value"`       // 库存金额 at cost
	LowStock         []LowStockItem   `json:"low_stock"`         // 低于仓库补货点
	LowStockTotal    int64            `json:"low_stock_total"`   // how many in all
	PendingApprovals *int64           `json:"pending_approvals"` // 待我审批
	SalesTrend       []TrendPoint     `json:"sales_trend"`       // 近 30 天销售
}

// DayTotal is a day's documents: how many (not counting returns) and
// their net total with tax.
type DayTotal struct {
	Count int64           `json:"count"`
	Total decimal.Decimal `json:"total"`
}

// LowStockItem is a product below its level in a warehouse; SafetyStock is
// the level's point (domain.ReorderLevel.Point), what "low" is measured
// against.
type LowStockItem struct {
	ProductID   int64           `json:"product_id"`
	SKU         string          `json:"sku"`
	Name        string          `json:"name"`
	Warehouse   string          `json:"warehouse"`
	Available   decimal.Decimal `json:"available"`
	SafetyStock decimal.Decimal `json:"safety_stock"`
}

// TrendPoint is one day's net sales.
type TrendPoint struct {
	Date  string          `json:"date"`
	Total decimal.Decimal `json:"total"`
}

// trendDays is how far the dashboard's sales chart looks back.
const trendDays = 30

// Dashboard gathers the first page for the signed-in user.
func (a *App) Dashboard(ctx context.Context) (*Dashboard, error) {
	u := Actor(ctx)
	if u == nil {
		return nil, domain.ErrUnauthorized
	}
	q := a.store.Read(ctx)
	local := a.now().In(domain.Shanghai)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, domain.Shanghai)
	tomorrow := today.AddDate(0, 0, 1)
	d := &Dashboard{Date: today.Format("2006-01-02")}
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	if u.Can(domain.PermSalesRead) {
		from := today.AddDate(0, 0, 1-trendDays)
		docs, err := store.DocTotalsBetween(q, sc, []string{domain.DocSalesShipment, domain.DocSalesReturn},
			from.Format("2006-01-02"), tomorrow.Format("2006-01-02"))
		if err != nil {
			return nil, err
		}
		byDay := map[string]decimal.Decimal{}
		d.Sales = &DayTotal{}
		for _, doc := range docs {
			// By business date, so today's figure ties to today's vouchers.
			day := doc.BizDate
			t := doc.Total
			if doc.Type == domain.DocSalesReturn {
				t = t.Neg()
			}
			byDay[day] = byDay[day].Add(t)
			if day == d.Date {
				d.Sales.Total = d.Sales.Total.Add(t)
				if doc.Type == domain.DocSalesShipment {
					d.Sales.Count++
				}
			}
		}
		d.SalesTrend = make([]TrendPoint, 0, trendDays)
		for day := from; day.Before(tomorrow); day = day.AddDate(0, 0, 1) {
			k := day.Format("2006-01-02")
			d.SalesTrend = append(d.SalesTrend, TrendPoint{Date: k, Total: byDay[k]})
		}
	}
	if u.Can(domain.PermPurchaseRead) {
		docs, err := store.DocTotalsBetween(q, sc, []string{domain.DocPurchaseReceipt, domain.DocPurchaseReturn},
			d.Date, tomorrow.Format("2006-01-02"))
		if err != nil {
			return nil, err
		}
		d.Purchases = &DayTotal{}
		for _, doc := range docs {
			if doc.Type == domain.DocPurchaseReturn {
				d.Purchases.Total = d.Purchases.Total.Sub(doc.Total)
			} else {
				d.Purchases.Total = d.Purchases.Total.Add(doc.Total)
				d.Purchases.Count++
			}
		}
	}
	if u.Can(domain.PermStockRead) {
		if u.Can(domain.PermCostRead) { // 库存金额 is at cost
			v, err := store.StockValuation(q)
			if err != nil {
				return nil, err
			}
			d.StockValue = &v
		}
		rows, total, err := store.LowStock(q, 10)
		if err != nil {
			return nil, err
		}
		d.LowStock, d.LowStockTotal = make([]LowStockItem, len(rows)), total
		for i, r := range rows {
			d.LowStock[i] = LowStockItem{ProductID: r.ProductID, SKU: r.SKU, Name: r.Name, Warehouse: r.Warehouse,
				Available: domain.RoundQty(r.OnHand.Sub(r.Reserved)), SafetyStock: domain.RoundQty(r.SafetyStock)}
		}
	}
	if u.Can(domain.PermApprove) {
		l, err := a.ListApprovals(ctx, domain.ApprovalPending, ListParams{Page: 1, PageSize: 1})
		if err != nil {
			return nil, err
		}
		d.PendingApprovals = &l.Total
	}
	return d, nil
}
