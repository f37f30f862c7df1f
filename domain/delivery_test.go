package domain

import (
	"strings"
	"testing"
)

func TestCheckPhone(t *testing.T) {
	cases := []struct {
		phone string
		ok    bool
	}{
		{"", true},
		{"13800138000", true},
		{"021-6888 8888", true},
		{"+86 138 0013 8000", true},
		{"(0571)88888888", true},
		{"0571-8888888转123", true},
		{"123456", false},           // too few digits
		{"1234567890123456", false}, // too many
		{"138abc00138", false},      // letters
		{"138-0013-8000 ext 1", false},
		{"13800138000+", false}, // + only in front
		{"转123", false},
		{strings.Repeat("1", 10) + strings.Repeat(" ", 30), false}, // too long
	}
	for _, c := range cases {
		err := CheckPhone("ship_phone", c.phone)
		if (err == nil) != c.ok {
			t.Errorf("CheckPhone(%q) = %v, want ok=%v", c.phone, err, c.ok)
		}
		if err != nil && err.(*Error).Field != "ship_phone" {
			t.Errorf("CheckPhone(%q) field = %q", c.phone, err.(*Error).Field)
		}
	}
}

func TestDeliveryValidate(t *testing.T) {
	id := func(v int64) *int64 { return &v }
	cases := []struct {
		name  string
		d     Delivery
		field string // "" when valid
	}{
		{"empty", Delivery{}, ""},
		{"full", Delivery{ShippingMethodID: id(3), Carrier: "顺丰速运", WaybillNo: "SF1234567890", ShipAddress: "上海市浦东新区张江路 1 号",
			ShipContact: "王经理", ShipPhone: "13800138000"}, ""},
		{"carrier too long", Delivery{Carrier: strings.Repeat("顺", 65)}, "carrier"},
		{"waybill with space", Delivery{WaybillNo: "SF 123"}, "waybill_no"},
		{"waybill chinese", Delivery{WaybillNo: "顺丰123"}, "waybill_no"},
		{"waybill too long", Delivery{WaybillNo: strings.Repeat("A", 65)}, "waybill_no"},
		{"address too long", Delivery{ShipAddress: strings.Repeat("路", 256)}, "ship_address"},
		{"contact too long", Delivery{ShipContact: strings.Repeat("王", 65)}, "ship_contact"},
		{"phone bad", Delivery{ShipPhone: "abc"}, "ship_phone"},
		{"control char in address", Delivery{ShipAddress: "上海\x07"}, "ship_address"},
	}
	for _, c := range cases {
		err := c.d.Validate()
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (err == nil || err.(*Error).Field != c.field):
			t.Errorf("%s: got %v, want an error on %s", c.name, err, c.field)
		}
	}
	d := Delivery{Carrier: "  顺丰 ", WaybillNo: " SF1 ", ShippingMethodID: id(0)}
	if err := d.Validate(); err != nil || d.Carrier != "顺丰" || d.WaybillNo != "SF1" || d.ShippingMethodID != nil {
		t.Fatalf("trimmed: %+v %v", d, err)
	}
}

func TestCheckDictRef(t *testing.T) {
	e := func(typ string, enabled bool) *DictEntry {
		return &DictEntry{ID: 7, Type: typ, Code: "bank", Label: "银行转账", Enabled: enabled}
	}
	cases := []struct {
		name string
		typ  string
		e    *DictEntry
		msg  string // "" when allowed
	}{
		{"enabled, right type", DictPaymentMethod, e(DictPaymentMethod, true), ""},
		{"missing", DictPaymentMethod, nil, "结算方式 7 不存在"},
		{"wrong type", DictShippingMethod, e(DictPaymentMethod, true), "「银行转账」不是发货方式"},
		{"disabled", DictPaymentMethod, e(DictPaymentMethod, false), "结算方式「银行转账」已停用"},
		{"level", DictCustomerLevel, e(DictCustomerLevel, true), ""},
	}
	for _, c := range cases {
		err := CheckDictRef("f", c.typ, 7, c.e)
		if c.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || err.(*Error).Message != c.msg || err.(*Error).Field != "f" || err.(*Error).Kind != KindInvalid {
			t.Errorf("%s: got %v, want %q on f", c.name, err, c.msg)
		}
	}
}

func TestAddresses(t *testing.T) {
	a := PartnerAddress{Address: "  杭州市西湖区文三路 90 号 ", Contact: "李", Phone: "0571-88888888"}
	if err := a.Validate(); err != nil || a.Address != "杭州市西湖区文三路 90 号" {
		t.Fatalf("valid address: %v %q", err, a.Address)
	}
	for _, bad := range []PartnerAddress{{Address: " "}, {Address: "x", Phone: "12"}, {Address: strings.Repeat("路", 256)}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	as := []PartnerAddress{{ID: 1}, {ID: 2, IsDefault: true, Address: "默认地址"}, {ID: 3}}
	if got := DefaultAddress(as); got == nil || got.ID != 2 {
		t.Fatalf("default: %+v", got)
	}
	if got := DefaultAddress(as[:1]); got == nil || got.ID != 1 {
		t.Fatalf("the only one: %+v", got)
	}
	if got := DefaultAddress([]PartnerAddress{{ID: 1}, {ID: 3}}); got != nil {
		t.Fatalf("no single choice: %+v", got)
	}
	var d Delivery
	d.UseAddress(as[1])
	if d.Empty() {
		t.Fatal("address not copied")
	}
}
