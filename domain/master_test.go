package domain

import "testing"

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
