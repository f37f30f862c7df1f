package domain

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Inventory document states. Inventory documents have no approval: a draft is
// edited, then posted (immutable from then on) or cancelled.
const (
	DocDraft     = "draft"
	DocPosted    = "posted"
	DocCancelled = "cancelled"
)

// DocHeader is what every document carries.
type DocHeader struct {
	ID       int64      `json:"id"`
	Number   string     `json:"number"`
	Status   string     `json:"status"`
	Remark   string     `json:"remark"`
	PostedAt *time.Time `json:"posted_at"`
	// BizDate is the 业务日期 (Shanghai): the period the document is
	// booked in when posted, and where a draft counts at a closing.
	BizDate   string    `json:"biz_date"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// MaxDocRemark is the length of a stock document's remark (备注): the
// remark columns of openings, transfers, stocktakes, requisitions and orders
// are VARCHAR(500), and a longer remark is refused here, on its field, rather
// than cut off by SQLite or refused without a field by MariaDB.
const MaxDocRemark = 500

// checkDocRemark refuses a remark longer than MaxDocRemark characters or
// holding control characters other than line breaks and tabs (CheckText).
func checkDocRemark(remark string) error {
	if err := CheckText("remark", remark, true); err != nil {
		return err
	}
	if utf8.RuneCountInString(remark) > MaxDocRemark {
		return Invalid("remark", "最长 %d 字", MaxDocRemark)
	}
	return nil
}

// CheckEditable refuses changes to a document that has left draft.
func (h DocHeader) CheckEditable() error {
	if h.Status != DocDraft {
		return ErrInvalidState.WithMessage("单据 %s 状态为 %s，只有草稿可以修改", h.Number, h.Status)
	}
	return nil
}

// CheckVersion refuses an edit made against a stale copy (optimistic locking).
// A zero version from the client means "don't check".
func CheckVersion(have, sent int) error {
	if sent != 0 && sent != have {
		return ErrVersionConflict.WithMessage("数据已被他人修改 (版本 %d，提交的是 %d)，请刷新后重试", have, sent)
	}
	return nil
}

// Opening is an opening-balance document (期初库存), posted on creation.
type Opening struct {
	DocHeader
	WarehouseID int64         `json:"warehouse_id"`
	Lines       []OpeningLine `json:"lines"`
}

// OpeningLine is one product's opening quantity and unit cost.
type OpeningLine struct {
	ID        int64           `json:"id"`
	ProductID int64           `json:"product_id"`
	Batch     string          `json:"batch"`
	Expiry    *string         `json:"expiry"`
	Qty       decimal.Decimal `json:"qty"`
	UnitCost  decimal.Decimal `json:"unit_cost"`
	Amount    decimal.Decimal `json:"amount"`
}

// Validate checks the opening document's own fields.
func (o *Opening) Validate() error {
	if o.WarehouseID <= 0 {
		return Invalid("warehouse_id", "仓库必填")
	}
	if len(o.Lines) == 0 {
		return Invalid("lines", "至少需要一行")
	}
	if len(o.Lines) > 5000 {
		return Invalid("lines", "一张单据最多 5000 行")
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		f := fmt.Sprintf("lines[%d]", i)
		if l.ProductID <= 0 {
			return Invalid(f+".product_id", "商品必填")
		}
		if err := CheckPositiveQty(f+".qty", l.Qty); err != nil {
			return err
		}
		if l.UnitCost.IsNegative() {
			return Invalid(f+".unit_cost", "单位成本不能为负")
		}
		if err := CheckScale(f+".unit_cost", l.UnitCost, CostScale); err != nil {
			return err
		}
		if l.Expiry != nil {
			if _, err := ParseLocalDate(f+".expiry", *l.Expiry); err != nil {
				return err
			}
		}
		amount, err := openingAmount(f+".unit_cost", l.Qty, l.UnitCost)
		if err != nil {
			return err
		}
		l.Amount = amount
	}
	return checkDocRemark(o.Remark)
}

// openingAmount is the stock value of an opening line (qty × unit cost),
// rounded where it is created. Each factor fits its column but their product
// need not (1e8 × 1e8 does not fit DECIMAL(20,4)), and the unit cost the
// ledger derives back from the rounded amount (amount ÷ qty, the balance's
// average cost) can be lifted by the rounding past its own column
// (1 × 99999999999999.999999 → 1e14). Both are refused on field, the unit
// cost: it is what sets the value.
func openingAmount(field string, qty, unitCost decimal.Decimal) (decimal.Decimal, error) {
	amount := RoundAmount(qty.Mul(unitCost))
	if !fitsColumn(amount, AmountScale) {
		return Zero, Invalid(field, "金额（数量 × 单位成本）过大")
	}
	if !fitsColumn(RoundCost(amount.Div(qty)), CostScale) {
		return Zero, Invalid(field, "数值过大")
	}
	return amount, nil
}

// Transfer moves goods between two warehouses (调拨单); cost moves with them.
type Transfer struct {
	DocHeader
	FromWarehouseID int64          `json:"from_warehouse_id"`
	ToWarehouseID   int64          `json:"to_warehouse_id"`
	Lines           []TransferLine `json:"lines"`
}

// TransferLine is one product moved; UnitCost and Amount are filled when posted.
type TransferLine struct {
	ID        int64           `json:"id"`
	ProductID int64           `json:"product_id"`
	Batch     string          `json:"batch"`
	Qty       decimal.Decimal `json:"qty"`
	UnitCost  decimal.Decimal `json:"unit_cost"`
	Amount    decimal.Decimal `json:"amount"`
}

// Validate checks the transfer's own fields.
func (t *Transfer) Validate() error {
	if t.FromWarehouseID <= 0 {
		return Invalid("from_warehouse_id", "调出仓库必填")
	}
	if t.ToWarehouseID <= 0 {
		return Invalid("to_warehouse_id", "调入仓库必填")
	}
	if t.FromWarehouseID == t.ToWarehouseID {
		return Invalid("to_warehouse_id", "调入仓库不能与调出仓库相同")
	}
	if len(t.Lines) == 0 {
		return Invalid("lines", "至少需要一行")
	}
	if len(t.Lines) > 5000 {
		return Invalid("lines", "一张单据最多 5000 行")
	}
	for i, l := range t.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.ProductID <= 0 {
			return Invalid(f+".product_id", "商品必填")
		}
		if err := CheckPositiveQty(f+".qty", l.Qty); err != nil {
			return err
		}
	}
	return checkDocRemark(t.Remark)
}

// Stocktake records counted quantities (盘点单); posting books the variance
// against the quantity on hand at that moment as a gain or loss.
type Stocktake struct {
	DocHeader
	WarehouseID int64           `json:"warehouse_id"`
	Lines       []StocktakeLine `json:"lines"`
}

// StocktakeLine is one counted product. BookQty, DiffQty, UnitCost and Amount
// are filled when the stocktake is posted.
type StocktakeLine struct {
	ID         int64           `json:"id"`
	ProductID  int64           `json:"product_id"`
	Batch      string          `json:"batch"`
	CountedQty decimal.Decimal `json:"counted_qty"`
	BookQty    decimal.Decimal `json:"book_qty"`
	DiffQty    decimal.Decimal `json:"diff_qty"`
	UnitCost   decimal.Decimal `json:"unit_cost"`
	Amount     decimal.Decimal `json:"amount"`
}

// Validate checks the stocktake's own fields.
func (s *Stocktake) Validate() error {
	if s.WarehouseID <= 0 {
		return Invalid("warehouse_id", "仓库必填")
	}
	if len(s.Lines) == 0 {
		return Invalid("lines", "至少需要一行")
	}
	if len(s.Lines) > 5000 {
		return Invalid("lines", "一张单据最多 5000 行")
	}
	seen := map[BalanceKey]bool{}
	for i, l := range s.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.ProductID <= 0 {
			return Invalid(f+".product_id", "商品必填")
		}
		if l.CountedQty.IsNegative() {
			return Invalid(f+".counted_qty", "实盘数量不能为负")
		}
		if err := CheckScale(f+".counted_qty", l.CountedQty, QtyScale); err != nil {
			return err
		}
		k := BalanceKey{ProductID: l.ProductID, Batch: l.Batch}
		if seen[k] {
			return Invalid(f+".product_id", "同一商品(批次)在盘点单中重复")
		}
		seen[k] = true
	}
	return checkDocRemark(s.Remark)
}

// NumberPrefix returns the prefix of document numbers of a type:
// TR20261123-0001 for a transfer posted on 23 Nov 2026 (Shanghai time).
func NumberPrefix(docType string) string {
	switch docType {
	case DocOpening:
		return "OB"
	case DocTransfer:
		return "TR"
	case DocStocktake:
		return "ST"
	case DocPurchaseOrder:
		return "PO"
	case DocSalesOrder:
		return "SO"
	case DocPurchaseReceipt:
		return "GR"
	case DocSalesShipment:
		return "GI"
	case DocPurchaseReturn:
		return "PR"
	case DocSalesReturn:
		return "SR"
	case DocRequisition:
		return "RQ"
	case DocMoneyReceipt:
		return "SK"
	case DocMoneyPayment:
		return "FK"
	case DocSalesInvoice:
		return "KP"
	case DocPurchaseInvoice:
		return "SP"
	}
	panic("no number prefix for " + docType)
}

var docNames = map[string]string{
	DocOpening: "期初单", DocTransfer: "调拨单", DocStocktake: "盘点单", DocRequisition: "请购单",
	DocPurchaseOrder: "采购订单", DocSalesOrder: "销售订单", DocPurchaseReceipt: "采购入库单",
	DocPurchaseReturn: "采购退货单", DocSalesShipment: "销售出库单", DocSalesReturn: "销售退货单",
	DocMoneyReceipt: "收款单", DocMoneyPayment: "付款单", DocSalesInvoice: "销售发票", DocPurchaseInvoice: "采购发票",
	DocOpeningItem: "期初往来",
}

// DocName is a document type's name for people (采购订单…); the one place
// these names are written.
func DocName(docType string) string {
	if n, ok := docNames[docType]; ok {
		return n
	}
	return "单据"
}

// FormatNumber builds a human document number from prefix, day and sequence.
func FormatNumber(prefix string, day time.Time, seq int64) string {
	return fmt.Sprintf("%s%s-%04d", prefix, day.In(Shanghai).Format("20060102"), seq)
}
