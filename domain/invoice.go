package domain

import (
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
