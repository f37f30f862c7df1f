package domain

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Invoice document types.
const (
	DocSalesInvoice    = "sales_invoice"    // 销售发票: we bill a customer
	DocPurchaseInvoice = "purchase_invoice" // 采购发票: a supplier bills us
)

// When receivables and payables arise (finance.bill_at).
const (
	// BillAtShipment raises the open item and books VAT when the goods
	// move: the default, and right for firms that invoice with the goods.
	BillAtShipment = "shipment"
	// BillAtInvoice books the goods when they move without VAT (purchases
	// as 暂估, sales as revenue not yet invoiced) and raises the open item,
	// with VAT and terms counted from the invoice date, when the invoice is
	// recorded (销售开票 / 采购收票).
	BillAtInvoice = "invoice"
)

// A stock document's invoicing (empty: billed when posted).
const (
	InvoicePending  = "pending"  // 待开票 / 未到票
	InvoiceInvoiced = "invoiced" // 已开票 / 已到票
)

// Invoice is a VAT invoice recorded against whole posted documents of one
// partner: shipments and sales returns (a red invoice, 红字发票, when they net
// negative) for a sales invoice; receipts and purchase returns for a
// purchase invoice.
type Invoice struct {
	ID        int64           `json:"id"`
	Type      string          `json:"type"`
	Number    string          `json:"number"`     // erpd's number (KP…/SP…)
	InvoiceNo string          `json:"invoice_no"` // 发票号码
	PartnerID int64           `json:"partner_id"`
	Date      string          `json:"date"`
	Amount    decimal.Decimal `json:"amount"` // without tax; negative for a red invoice
	Tax       decimal.Decimal `json:"tax"`
	Total     decimal.Decimal `json:"total"`
	ItemID    int64           `json:"item_id"`
	Remark    string          `json:"remark"`
	CreatedBy int64           `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	Lines     []InvoiceLine   `json:"lines"`
}

// InvoiceLine is one document an invoice covers, signed like the invoice.
type InvoiceLine struct {
	ID        int64           `json:"id"`
	DocType   string          `json:"doc_type"`
	DocID     int64           `json:"doc_id"`
	DocNumber string          `json:"doc_number"`
	Amount    decimal.Decimal `json:"amount"`
	Tax       decimal.Decimal `json:"tax"`
}

// InvoiceDocTypes are the stock documents an invoice type covers; the
// second is the return, whose amounts count negative.
func InvoiceDocTypes(typ string) (doc, ret string) {
	switch typ {
	case DocSalesInvoice:
		return DocSalesShipment, DocSalesReturn
	case DocPurchaseInvoice:
		return DocPurchaseReceipt, DocPurchaseReturn
	}
	return "", ""
}

// InvoiceKind is the sub-ledger an invoice type raises its item in.
func InvoiceKind(typ string) string {
	if typ == DocPurchaseInvoice {
		return ItemAP
	}
	return ItemAR
}

// CheckInvoiceType refuses an unknown invoice type.
func CheckInvoiceType(typ string) error {
	if doc, _ := InvoiceDocTypes(typ); doc == "" {
		return Invalid("type", "未知发票类型 %s", typ)
	}
	return nil
}

// invoiceNoPattern is a 发票号码: 8 digits on paper invoices, 20 on 全电发票;
// letters are allowed for a supplier's own numbering.
var invoiceNoPattern = regexp.MustCompile(`^[0-9A-Za-z-]{1,32}$`)

// MaxInvoiceDocs is how many documents one invoice may cover.
const MaxInvoiceDocs = 500

// Validate checks a new invoice before anything is read: its type, its
// 发票号码, its date (today when empty, never in the future: an invoice is
// issued, not planned), the documents it is to cover (1 to MaxInvoiceDocs,
// none twice) and the remark.
func (inv *Invoice) Validate(today string, docIDs []int64) error {
	if err := CheckInvoiceType(inv.Type); err != nil {
		return err
	}
	inv.InvoiceNo = strings.TrimSpace(inv.InvoiceNo)
	if !invoiceNoPattern.MatchString(inv.InvoiceNo) {
		return Invalid("invoice_no", "发票号码必填，最长 32 位字母或数字")
	}
	if inv.Date == "" {
		inv.Date = today
	}
	if err := CheckNotFuture("date", inv.Date, today); err != nil {
		return err
	}
	if len(docIDs) == 0 || len(docIDs) > MaxInvoiceDocs {
		return Invalid("doc_ids", "请选择 1–%d 张待开票单据", MaxInvoiceDocs)
	}
	seen := make(map[int64]bool, len(docIDs))
	for i, id := range docIDs {
		if seen[id] {
			return Invalid(fmt.Sprintf("doc_ids[%d]", i), "单据 %d 重复", id)
		}
		seen[id] = true
	}
	return checkRemark(&inv.Remark)
}

// Cover fills the invoice's lines and amounts from the documents it covers,
// in the order docIDs names them. pending holds the documents, by id, that
// wait for an invoice of this type (待开票 / 未到票); each named one must be
// among them, be partner's, and have been posted no later than the
// invoice's date. A return counts negative, so an invoice of returns only
// is a red invoice (红字发票), and goods returned in full net to zero.
func (inv *Invoice) Cover(docIDs []int64, pending map[int64]StockDoc, partner Partner) error {
	doc, ret := InvoiceDocTypes(inv.Type)
	inv.Lines, inv.Amount, inv.Tax = inv.Lines[:0], decimal.Zero, decimal.Zero
	for i, id := range docIDs {
		f := fmt.Sprintf("doc_ids[%d]", i)
		d, ok := pending[id]
		if !ok {
			return Invalid(f, "单据 %d 不是待开票的%s或%s", id, DocName(doc), DocName(ret))
		}
		if d.PartnerID != partner.ID {
			return Invalid(f, "%s 不是 %s 的单据", d.Number, partner.Name)
		}
		// The document's 业务日期 (the day it posted, for one without).
		posted := d.BizDate
		if posted == "" {
			posted = LocalDate(d.PostedAt)
		}
		if posted > inv.Date {
			return Invalid("date", "%s 于 %s 过账（业务日期），发票日期不能早于它", d.Number, posted)
		}
		l := InvoiceLine{DocType: d.Type, DocID: d.ID, DocNumber: d.Number, Amount: d.Amount, Tax: d.TaxAmount}
		if d.Type == ret {
			l.Amount, l.Tax = l.Amount.Neg(), l.Tax.Neg()
		}
		inv.Amount, inv.Tax = inv.Amount.Add(l.Amount), inv.Tax.Add(l.Tax)
		inv.Lines = append(inv.Lines, l)
	}
	inv.Total = inv.Amount.Add(inv.Tax)
	return nil
}
