package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Status of a master-data record. Inactive records stay visible in history
// but cannot be used on new documents.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// checkCode validates a business code (SKU, warehouse code, partner code):
// printable ASCII so it survives barcodes, spreadsheets and chat commands.
func checkCode(field, code string) error {
	if !codePattern.MatchString(code) {
		return Invalid(field, "编码必填，只能包含字母、数字、_ . -，最长 64 位")
	}
	return nil
}

func checkName(field, name string, max int) error {
	if strings.TrimSpace(name) == "" {
		return Invalid(field, "名称必填")
	}
	if err := CheckText(field, name, false); err != nil {
		return err
	}
	if utf8.RuneCountInString(name) > max {
		return Invalid(field, "最长 %d 字", max)
	}
	return nil
}

func checkLen(field, s string, max int) error {
	if err := CheckText(field, s, false); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > max {
		return Invalid(field, "最长 %d 字", max)
	}
	return nil
}

func checkStatus(s *string) error {
	if *s == "" {
		*s = StatusActive
	}
	if *s != StatusActive && *s != StatusInactive {
		return Invalid("status", "状态只能是 active 或 inactive")
	}
	return nil
}

// Category is a product category (商品分类), a tree by ParentID.
type Category struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	ParentID  *int64    `json:"parent_id"`
	Sort      int       `json:"sort"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks a category's own fields; cycles are checked against the tree
// by the use case, which can see it.
func (c *Category) Validate() error {
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	if err := checkCode("code", c.Code); err != nil {
		return err
	}
	if err := checkName("name", c.Name, 64); err != nil {
		return err
	}
	if c.ParentID != nil && c.ID != 0 && *c.ParentID == c.ID {
		return Invalid("parent_id", "分类不能是自己的上级")
	}
	return nil
}

// DefaultTaxRate is China's standard VAT rate on goods.
var DefaultTaxRate = decimal.RequireFromString("0.13")

// Product is a stock-keeping item (商品). Quantities of it are always in its
// base unit UnitID.
type Product struct {
	ID           int64           `json:"id"`
	SKU          string          `json:"sku"`
	Name         string          `json:"name"`
	Spec         string          `json:"spec"`
	UnitID       int64           `json:"unit_id"`
	CategoryID   *int64          `json:"category_id"`
	Barcode      string          `json:"barcode"`
	TaxRate      decimal.Decimal `json:"tax_rate"`
	BatchTracked bool            `json:"batch_tracked"`
	Status       string          `json:"status"`
	Version      int             `json:"version"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// Validate checks a product's own fields.
func (p *Product) Validate() error {
	p.SKU, p.Name, p.Barcode = strings.TrimSpace(p.SKU), strings.TrimSpace(p.Name), strings.TrimSpace(p.Barcode)
	if err := checkCode("sku", p.SKU); err != nil {
		return err
	}
	if err := checkName("name", p.Name, 128); err != nil {
		return err
	}
	if err := checkLen("spec", p.Spec, 128); err != nil {
		return err
	}
	if p.UnitID <= 0 {
		return Invalid("unit_id", "计量单位必填")
	}
	if len(p.Barcode) > 64 {
		return Invalid("barcode", "条码最长 64 位")
	}
	if p.TaxRate.IsNegative() || p.TaxRate.GreaterThan(decimal.NewFromInt(1)) {
		return Invalid("tax_rate", "税率应在 0 到 1 之间，例如 0.13")
	}
	if err := CheckScale("tax_rate", p.TaxRate, 4); err != nil {
		return err
	}
	return checkStatus(&p.Status)
}

// StockFieldsChanged reports whether after changes what p's stock history
// depends on: its unit (计量单位: the quantities of its moves) or its batch
// tracking (批次管理: the keys of its balances).
func (p Product) StockFieldsChanged(after Product) bool {
	return p.UnitID != after.UnitID || p.BatchTracked != after.BatchTracked
}

// CheckStockChange refuses such a change of a product that has stock
// history, on the field that changed (batch_tracked before unit_id).
func (p Product) CheckStockChange(after Product) error {
	if !p.StockFieldsChanged(after) {
		return nil
	}
	field := "unit_id"
	if p.BatchTracked != after.BatchTracked {
		field = "batch_tracked"
	}
	return Invalid(field, "商品 %s 已有库存记录，不能修改计量单位或批次管理", p.SKU)
}

// Warehouse is a stock location (仓库). AllowNegative lets postings take its
// stock below zero, which most companies forbid.
type Warehouse struct {
	ID            int64     `json:"id"`
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	Address       string    `json:"address"`
	AllowNegative bool      `json:"allow_negative"`
	Status        string    `json:"status"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Validate checks a warehouse's own fields.
func (w *Warehouse) Validate() error {
	w.Code, w.Name = strings.TrimSpace(w.Code), strings.TrimSpace(w.Name)
	if err := checkCode("code", w.Code); err != nil {
		return err
	}
	if err := checkName("name", w.Name, 64); err != nil {
		return err
	}
	if err := checkLen("address", w.Address, 255); err != nil {
		return err
	}
	return checkStatus(&w.Status)
}

// Partner types: a supplier (供应商), a customer (客户), or both.
const (
	PartnerSupplier = "supplier"
	PartnerCustomer = "customer"
	PartnerBoth     = "both"
)

// Partner is a supplier or customer (往来单位).
type Partner struct {
	ID               int64           `json:"id"`
	Code             string          `json:"code"`
	Name             string          `json:"name"`
	Type             string          `json:"type"`
	Contact          string          `json:"contact"`
	Phone            string          `json:"phone"`
	Address          string          `json:"address"`
	CreditLimit      decimal.Decimal `json:"credit_limit"`
	PaymentTermsDays int             `json:"payment_terms_days"`
	// LevelID names the 客户等级 (a customer_level dictionary entry), kept
	// for price lists to come.
	LevelID   *int64    `json:"level_id"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks a partner's own fields. A zero credit limit means no limit.
func (p *Partner) Validate() error {
	p.Code, p.Name = strings.TrimSpace(p.Code), strings.TrimSpace(p.Name)
	if err := checkCode("code", p.Code); err != nil {
		return err
	}
	if err := checkName("name", p.Name, 128); err != nil {
		return err
	}
	switch p.Type {
	case PartnerSupplier, PartnerCustomer, PartnerBoth:
	default:
		return Invalid("type", "类型只能是 supplier、customer 或 both")
	}
	for f, v := range map[string]string{"contact": p.Contact, "phone": p.Phone} {
		if err := checkLen(f, v, 64); err != nil {
			return err
		}
	}
	if err := checkLen("address", p.Address, 255); err != nil {
		return err
	}
	if p.CreditLimit.IsNegative() {
		return Invalid("credit_limit", "信用额度不能为负")
	}
	// A limit is compared with, never booked: it keeps the column's 4 places.
	if err := CheckScale("credit_limit", p.CreditLimit, 4); err != nil {
		return err
	}
	if p.PaymentTermsDays < 0 || p.PaymentTermsDays > 3650 {
		return Invalid("payment_terms_days", "账期天数应在 0 到 3650 之间")
	}
	return checkStatus(&p.Status)
}

// IsSupplier reports whether goods may be bought from p.
func (p Partner) IsSupplier() bool { return p.Type == PartnerSupplier || p.Type == PartnerBoth }

// IsCustomer reports whether goods may be sold to p.
func (p Partner) IsCustomer() bool { return p.Type == PartnerCustomer || p.Type == PartnerBoth }

// PartnerRoleOf says whom a document deals with: a supplier (供应商) for
// purchase orders, purchase invoices and payments (付款), a customer (客户)
// for sales orders, sales invoices and receipts (收款); "" for any other type.
func PartnerRoleOf(docType string) string {
	switch docType {
	case DocPurchaseOrder, DocPurchaseInvoice, DocMoneyPayment:
		return PartnerSupplier
	case DocSalesOrder, DocSalesInvoice, DocMoneyReceipt:
		return PartnerCustomer
	}
	return ""
}

// CheckRole refuses a partner that cannot be the counterparty of a document
// dealing with role (PartnerSupplier or PartnerCustomer): a customer is not
// paid, a supplier is not sold to. A partner of type both is either.
func (p Partner) CheckRole(role string) error {
	switch role {
	case PartnerSupplier:
		if !p.IsSupplier() {
			return Invalid("partner_id", "%s 不是供应商", p.Name)
		}
	case PartnerCustomer:
		if !p.IsCustomer() {
			return Invalid("partner_id", "%s 不是客户", p.Name)
		}
	default:
		// A programming error: the caller asked for a role that does not exist.
		return Errorf(KindInternal, CodeInternal, "unknown partner role %q", role)
	}
	return nil
}

// CheckUsable refuses a partner that new business (an order, a receipt or a
// payment) cannot name: one that is inactive (已停用), or not of role.
// Inactive partners stay in history but take no new documents.
func (p Partner) CheckUsable(role string) error {
	if p.Status != StatusActive {
		return Invalid("partner_id", "往来单位 %s 已停用", p.Name)
	}
	return p.CheckRole(role)
}

var dictTypePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// DictEntry is one value of an admin-managed enumeration (数据字典): payment
// methods, customer levels, shipping carriers and the like.
type DictEntry struct {
	ID        int64     `json:"id"`
	Type      string    `json:"type"`
	Code      string    `json:"code"`
	Label     string    `json:"label"`
	Sort      int       `json:"sort"`
	Enabled   bool      `json:"enabled"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ValidDictType reports whether t can name a dictionary (payment_method…).
func ValidDictType(t string) bool { return dictTypePattern.MatchString(t) }

// Validate checks a dictionary entry's own fields.
func (d *DictEntry) Validate() error {
	d.Code, d.Label = strings.TrimSpace(d.Code), strings.TrimSpace(d.Label)
	if !ValidDictType(d.Type) {
		return Invalid("type", "字典类型只能是小写字母、数字和下划线")
	}
	if err := checkCode("code", d.Code); err != nil {
		return err
	}
	return checkName("label", d.Label, 64)
}
