package domain

import (
	"strings"
	"testing"
)

func TestPartnerRoleOf(t *testing.T) {
	cases := map[string]string{
		DocPurchaseOrder: PartnerSupplier, DocPurchaseInvoice: PartnerSupplier, DocMoneyPayment: PartnerSupplier,
		DocSalesOrder: PartnerCustomer, DocSalesInvoice: PartnerCustomer, DocMoneyReceipt: PartnerCustomer,
		DocTransfer: "",
	}
	for typ, want := range cases {
		if got := PartnerRoleOf(typ); got != want {
			t.Fatalf("PartnerRoleOf(%s) = %q, want %q", typ, got, want)
		}
	}
}

// One rule for every document that names a partner: orders, receipts and
// payments need an active one of the right role; invoices the role.
func TestPartnerCheckUsable(t *testing.T) {
	p := func(typ, status string) Partner {
		return Partner{ID: 1, Name: "华东贸易", Type: typ, Status: status}
	}
	cases := []struct {
		name            string
		p               Partner
		role            string
		usable, roleMsg string // "" when allowed
	}{
		{"supplier bought from", p(PartnerSupplier, StatusActive), PartnerSupplier, "", ""},
		{"customer sold to", p(PartnerCustomer, StatusActive), PartnerCustomer, "", ""},
		{"both, either way", p(PartnerBoth, StatusActive), PartnerSupplier, "", ""},
		{"both, sold to", p(PartnerBoth, StatusActive), PartnerCustomer, "", ""},
		{"customer paid", p(PartnerCustomer, StatusActive), PartnerSupplier, "华东贸易 不是供应商", "华东贸易 不是供应商"},
		{"supplier sold to", p(PartnerSupplier, StatusActive), PartnerCustomer, "华东贸易 不是客户", "华东贸易 不是客户"},
		{"inactive", p(PartnerCustomer, StatusInactive), PartnerCustomer, "往来单位 华东贸易 已停用", ""},
		{"inactive and wrong", p(PartnerCustomer, StatusInactive), PartnerSupplier, "已停用", "不是供应商"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			field := func(msg string) string {
				if msg == "" {
					return ""
				}
				return "partner_id"
			}
			expectFieldErr(t, c.p.CheckUsable(c.role), field(c.usable), c.usable)
			expectFieldErr(t, c.p.CheckRole(c.role), field(c.roleMsg), c.roleMsg)
		})
	}
	if err := p(PartnerBoth, StatusActive).CheckRole(""); ErrorKind(err) != KindInternal {
		t.Fatalf("an unknown role: %v", err)
	}
}

func TestCategoryValidate(t *testing.T) {
	self := int64(3)
	cases := []struct {
		name  string
		c     Category
		field string
		msg   string
	}{
		{"ok", Category{Code: " C01 ", Name: " 饮料 "}, "", ""},
		{"no code", Category{Name: "饮料"}, "code", "编码必填"},
		{"code with a blank", Category{Code: "C 1", Name: "饮料"}, "code", "编码必填"},
		{"code starts with a dot", Category{Code: ".C1", Name: "饮料"}, "code", "编码必填"},
		{"code too long", Category{Code: strings.Repeat("C", 65), Name: "饮料"}, "code", "64"},
		{"no name", Category{Code: "C1", Name: "  "}, "name", "名称必填"},
		{"name too long", Category{Code: "C1", Name: strings.Repeat("饮", 65)}, "name", "最长 64 字"},
		{"its own parent", Category{ID: 3, Code: "C1", Name: "饮料", ParentID: &self}, "parent_id", "自己的上级"},
		{"new, parent set", Category{Code: "C1", Name: "饮料", ParentID: &self}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.c
			expectFieldErr(t, v.Validate(), c.field, c.msg)
			if c.field == "" && (v.Code != strings.TrimSpace(c.c.Code) || v.Name != strings.TrimSpace(c.c.Name)) {
				t.Fatalf("not trimmed: %+v", v)
			}
		})
	}
}

func TestProductValidate(t *testing.T) {
	ok := func() Product { return Product{SKU: "A-001", Name: "矿泉水", UnitID: 1, TaxRate: d("0.13")} }
	with := func(f func(*Product)) Product { p := ok(); f(&p); return p }
	cases := []struct {
		name  string
		p     Product
		field string
		msg   string
	}{
		{"ok", ok(), "", ""},
		{"zero rate", with(func(p *Product) { p.TaxRate = d("0") }), "", ""},
		{"bad sku", with(func(p *Product) { p.SKU = "A/1" }), "sku", "编码必填"},
		{"no name", with(func(p *Product) { p.Name = "" }), "name", "名称必填"},
		{"spec too long", with(func(p *Product) { p.Spec = strings.Repeat("x", 129) }), "spec", "最长 128 字"},
		{"no unit", with(func(p *Product) { p.UnitID = 0 }), "unit_id", "计量单位必填"},
		{"barcode too long", with(func(p *Product) { p.Barcode = strings.Repeat("6", 65) }), "barcode", "64"},
		{"negative rate", with(func(p *Product) { p.TaxRate = d("-0.01") }), "tax_rate", "0 到 1"},
		{"rate over 1", with(func(p *Product) { p.TaxRate = d("1.01") }), "tax_rate", "0 到 1"},
		{"rate too precise", with(func(p *Product) { p.TaxRate = d("0.12345") }), "tax_rate", "4 位小数"},
		{"bad status", with(func(p *Product) { p.Status = "deleted" }), "status", "active 或 inactive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.p
			expectFieldErr(t, p.Validate(), c.field, c.msg)
			if c.field == "" && p.Status != StatusActive {
				t.Fatalf("status defaults to active: %q", p.Status)
			}
		})
	}
}

func TestWarehouseValidate(t *testing.T) {
	cases := []struct {
		name  string
		w     Warehouse
		field string
		msg   string
	}{
		{"ok", Warehouse{Code: "W1", Name: "主仓", Status: StatusInactive}, "", ""},
		{"bad code", Warehouse{Code: "", Name: "主仓"}, "code", "编码必填"},
		{"no name", Warehouse{Code: "W1"}, "name", "名称必填"},
		{"address too long", Warehouse{Code: "W1", Name: "主仓", Address: strings.Repeat("路", 256)}, "address", "最长 255 字"},
		{"bad status", Warehouse{Code: "W1", Name: "主仓", Status: "closed"}, "status", "active 或 inactive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.w
			expectFieldErr(t, w.Validate(), c.field, c.msg)
		})
	}
}

func TestPartnerValidate(t *testing.T) {
	ok := func() Partner { return Partner{Code: "C1", Name: "华东贸易", Type: PartnerCustomer} }
	with := func(f func(*Partner)) Partner { p := ok(); f(&p); return p }
	cases := []struct {
		name  string
		p     Partner
		field string
		msg   string
	}{
		{"ok", ok(), "", ""},
		{"both, limit and terms", with(func(p *Partner) { p.Type, p.CreditLimit, p.PaymentTermsDays = PartnerBoth, d("50000"), 3650 }), "", ""},
		{"bad code", with(func(p *Partner) { p.Code = "客户1" }), "code", "编码必填"},
		{"no name", with(func(p *Partner) { p.Name = "" }), "name", "名称必填"},
		{"name too long", with(func(p *Partner) { p.Name = strings.Repeat("华", 129) }), "name", "最长 128 字"},
		{"no type", with(func(p *Partner) { p.Type = "" }), "type", "supplier、customer 或 both"},
		{"contact too long", with(func(p *Partner) { p.Contact = strings.Repeat("张", 65) }), "contact", "最长 64 字"},
		{"phone too long", with(func(p *Partner) { p.Phone = strings.Repeat("1", 65) }), "phone", "最长 64 字"},
		{"address too long", with(func(p *Partner) { p.Address = strings.Repeat("路", 256) }), "address", "最长 255 字"},
		{"negative limit", with(func(p *Partner) { p.CreditLimit = d("-1") }), "credit_limit", "不能为负"},
		{"limit too precise", with(func(p *Partner) { p.CreditLimit = d("0.00001") }), "credit_limit", "4 位小数"},
		{"negative terms", with(func(p *Partner) { p.PaymentTermsDays = -1 }), "payment_terms_days", "0 到 3650"},
		{"terms too long", with(func(p *Partner) { p.PaymentTermsDays = 3651 }), "payment_terms_days", "0 到 3650"},
		{"bad status", with(func(p *Partner) { p.Status = "x" }), "status", "active 或 inactive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.p
			expectFieldErr(t, p.Validate(), c.field, c.msg)
		})
	}
}

func TestDictEntryValidate(t *testing.T) {
	cases := []struct {
		name  string
		e     DictEntry
		field string
		msg   string
	}{
		{"ok", DictEntry{Type: "payment_method", Code: "cash", Label: " 现金 "}, "", ""},
		{"type with capitals", DictEntry{Type: "Payment", Code: "cash", Label: "现金"}, "type", "字典类型"},
		{"type starting with a digit", DictEntry{Type: "1x", Code: "cash", Label: "现金"}, "type", "字典类型"},
		{"bad code", DictEntry{Type: "carrier", Code: "", Label: "顺丰"}, "code", "编码必填"},
		{"no label", DictEntry{Type: "carrier", Code: "sf", Label: " "}, "label", "名称必填"},
		{"label too long", DictEntry{Type: "carrier", Code: "sf", Label: strings.Repeat("顺", 65)}, "label", "最长 64 字"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.e
			expectFieldErr(t, e.Validate(), c.field, c.msg)
		})
	}
	if !ValidDictType("customer_level") || ValidDictType(strings.Repeat("a", 33)) {
		t.Fatal("ValidDictType")
	}
}

func TestProductStockChange(t *testing.T) {
	p := Product{SKU: "A-001", UnitID: 1}
	cases := []struct {
		name    string
		after   Product
		changed bool
		field   string
	}{
		{"name only", Product{SKU: "A-001", UnitID: 1, Name: "新名"}, false, ""},
		{"unit", Product{SKU: "A-001", UnitID: 2}, true, "unit_id"},
		{"batches", Product{SKU: "A-001", UnitID: 1, BatchTracked: true}, true, "batch_tracked"},
		{"both", Product{SKU: "A-001", UnitID: 2, BatchTracked: true}, true, "batch_tracked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := p.StockFieldsChanged(c.after); got != c.changed {
				t.Fatalf("changed = %v", got)
			}
			expectFieldErr(t, p.CheckStockChange(c.after), c.field, "商品 A-001 已有库存记录")
		})
	}
}
