package app_test

import (
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// dict returns the seeded entry typ/code.
func (e *env) dict(typ, code string) *domain.DictEntry {
	e.t.Helper()
	l := must[*app.List[domain.DictEntry]](e.t)(e.app.ListDict(e.admin, typ, app.ListParams{PageSize: 100}))
	for i := range l.Items {
		if l.Items[i].Code == code {
			return &l.Items[i]
		}
	}
	e.t.Fatalf("no dictionary entry %s/%s", typ, code)
	return nil
}

// wantField fails unless err is a 422 on field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if e := wantCode(t, err, domain.CodeValidation); e.Field != field {
		t.Fatalf("err %v on %q, want on %q", err, e.Field, field)
	}
}

// Customer levels, payment methods and shipping methods name dictionary
// entries: of the right type, existing and enabled; an entry in use is not
// deleted (409) but may be disabled, and old documents keep it.
func TestDictionaryInUse(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		levelA := e.dict(domain.DictCustomerLevel, "A")
		bank := e.dict(domain.DictPaymentMethod, "bank")
		cash := e.dict(domain.DictPaymentMethod, "cash")
		parts := e.app.Catalog().Partners
		mk := func(code string, level int64) (*domain.Partner, error) {
			return parts.Create(e.admin, app.PartnerInput{Code: ptr(code), Name: ptr("客户" + code), Type: ptr(domain.PartnerCustomer), LevelID: &level})
		}
		cus := must[*domain.Partner](t)(mk("C1", levelA.ID))
		if cus.LevelID == nil || *cus.LevelID != levelA.ID {
			t.Fatalf("level not kept: %+v", cus.LevelID)
		}
		_, err := mk("C2", bank.ID) // a payment method is no level
		wantField(t, err, "level_id")
		_, err = mk("C3", 999999)
		wantField(t, err, "level_id")

		// Receipts name a 结算方式.
		r := must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("100"), PaymentMethodID: &bank.ID}))
		got := must[*domain.MoneyDoc](t)(e.app.GetMoneyDoc(e.admin, domain.DocMoneyReceipt, r.ID))
		if got.PaymentMethodID == nil || *got.PaymentMethodID != bank.ID {
			t.Fatalf("payment method not stored: %+v", got.PaymentMethodID)
		}
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1"), PaymentMethodID: &levelA.ID})
		wantField(t, err, "payment_method_id")

		// In use: not deleted, whoever uses it.
		wantCode(t, e.app.DeleteDictEntry(e.admin, domain.DictPaymentMethod, bank.ID), domain.CodeReferenced)
		wantCode(t, e.app.DeleteDictEntry(e.admin, domain.DictCustomerLevel, levelA.ID), domain.CodeReferenced)
		// Unused: deleted.
		if err := e.app.DeleteDictEntry(e.admin, domain.DictPaymentMethod, cash.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1"), PaymentMethodID: &cash.ID})
		wantField(t, err, "payment_method_id")

		// Disabled: no new documents, old ones and untouched partners keep it.
		must[*domain.DictEntry](t)(e.app.UpdateDictEntry(e.admin, domain.DictPaymentMethod, bank.ID, app.DictEntryInput{Enabled: ptr(false), Version: bank.Version}))
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1"), PaymentMethodID: &bank.ID})
		if wantField(t, err, "payment_method_id"); domain.AsError(err).Message != "结算方式「银行转账」已停用" {
			t.Fatalf("message %q", domain.AsError(err).Message)
		}
		must[*domain.DictEntry](t)(e.app.UpdateDictEntry(e.admin, domain.DictCustomerLevel, levelA.ID, app.DictEntryInput{Enabled: ptr(false), Version: levelA.Version}))
		cus = must[*domain.Partner](t)(parts.Update(e.admin, cus.ID, app.PartnerInput{Phone: ptr("13800138000"), Version: cus.Version}))
		_, err = parts.Update(e.admin, cus.ID, app.PartnerInput{LevelID: ptr(e.dict(domain.DictCustomerLevel, "B").ID + 1000), Version: cus.Version})
		wantField(t, err, "level_id")
		cus = must[*domain.Partner](t)(parts.Update(e.admin, cus.ID, app.PartnerInput{LevelID: ptr(int64(0)), Version: cus.Version}))
		if cus.LevelID != nil {
			t.Fatalf("level not cleared: %v", *cus.LevelID)
		}
		if got := must[*domain.MoneyDoc](t)(e.app.GetMoneyDoc(e.admin, domain.DocMoneyReceipt, r.ID)); *got.PaymentMethodID != bank.ID {
			t.Fatal("old receipt lost its method")
		}
	})
}

// A shipment records how and where the goods went: the shipping method,
// carrier and waybill, and an address picked from the customer's (a
// copy), typed, or else the customer's default.
func TestShipmentDelivery(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("P1", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		other := e.partner("C2", domain.PartnerCustomer, "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("5")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("10")})
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("8")}))

		// Addresses: the first is the default; a new default replaces it.
		a1 := must[*domain.PartnerAddress](t)(e.app.SavePartnerAddress(e.admin, cus.ID, 0, app.AddressInput{Address: "上海市浦东新区张江路 1 号", Contact: "王经理", Phone: "13800138000"}))
		if !a1.IsDefault {
			t.Fatal("the first address is not the default")
		}
		a2 := must[*domain.PartnerAddress](t)(e.app.SavePartnerAddress(e.admin, cus.ID, 0, app.AddressInput{Address: "苏州市工业园区星湖街 88 号", Contact: "李仓管", Phone: "0512-6666 8888", IsDefault: true}))
		list := must[[]domain.PartnerAddress](t)(e.app.PartnerAddresses(e.admin, cus.ID))
		if len(list) != 2 || list[0].ID != a2.ID || !list[0].IsDefault || list[1].IsDefault {
			t.Fatalf("addresses %+v", list)
		}
		_, err := e.app.SavePartnerAddress(e.admin, cus.ID, 0, app.AddressInput{Address: "x", Phone: "电话"})
		wantField(t, err, "phone")
		oa := must[*domain.PartnerAddress](t)(e.app.SavePartnerAddress(e.admin, other.ID, 0, app.AddressInput{Address: "别家"}))
		// Another partner's address is not this one's to change.
		_, err = e.app.SavePartnerAddress(e.admin, cus.ID, oa.ID, app.AddressInput{Address: "改"})
		wantCode(t, err, domain.CodeNotFound)

		express := e.dict(domain.DictShippingMethod, "express")
		ship := func(in app.ShipmentInput) (*domain.StockDoc, error) {
			in.OrderID = so.ID
			in.Lines = []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("1")}}
			return e.app.PostShipment(e.admin, in)
		}
		// Nothing named: the default address.
		sh := must[*domain.StockDoc](t)(ship(app.ShipmentInput{Delivery: domain.Delivery{ShippingMethodID: &express.ID, Carrier: " 顺丰速运 ", WaybillNo: "SF1234567890"}}))
		got := must[*domain.StockDoc](t)(e.app.GetStockDoc(e.admin, domain.DocSalesShipment, sh.ID))
		want := domain.Delivery{ShippingMethodID: &express.ID, Carrier: "顺丰速运", WaybillNo: "SF1234567890",
			ShipAddress: a2.Address, ShipContact: a2.Contact, ShipPhone: a2.Phone}
		if got.Carrier != want.Carrier || got.WaybillNo != want.WaybillNo || got.ShipAddress != want.ShipAddress ||
			got.ShipContact != want.ShipContact || got.ShipPhone != want.ShipPhone || got.ShippingMethodID == nil || *got.ShippingMethodID != express.ID {
			t.Fatalf("delivery %+v, want %+v", got.Delivery, want)
		}
		// A picked address is copied; editing it later leaves the shipment.
		sh = must[*domain.StockDoc](t)(ship(app.ShipmentInput{AddressID: &a1.ID}))
		must[*domain.PartnerAddress](t)(e.app.SavePartnerAddress(e.admin, cus.ID, a1.ID, app.AddressInput{Address: "已搬走"}))
		if got := must[*domain.StockDoc](t)(e.app.GetStockDoc(e.admin, domain.DocSalesShipment, sh.ID)); got.ShipAddress != a1.Address || got.ShipPhone != a1.Phone {
			t.Fatalf("picked address %+v", got.Delivery)
		}
		// Typed: kept as typed.
		sh = must[*domain.StockDoc](t)(ship(app.ShipmentInput{Delivery: domain.Delivery{ShipAddress: "临时地址", ShipPhone: "+86 21 6888 8888"}}))
		if sh.ShipAddress != "临时地址" || sh.ShipContact != "" {
			t.Fatalf("typed address %+v", sh.Delivery)
		}
		// Refused, with nothing shipped.
		_, err = ship(app.ShipmentInput{AddressID: &oa.ID})
		wantField(t, err, "address_id")
		_, err = ship(app.ShipmentInput{Delivery: domain.Delivery{ShipPhone: "123"}})
		wantField(t, err, "ship_phone")
		_, err = ship(app.ShipmentInput{Delivery: domain.Delivery{WaybillNo: "SF 1"}})
		wantField(t, err, "waybill_no")
		cash := e.dict(domain.DictPaymentMethod, "cash")
		_, err = ship(app.ShipmentInput{Delivery: domain.Delivery{ShippingMethodID: &cash.ID}})
		wantField(t, err, "shipping_method_id")
		e.wantBalance(p.ID, wh.ID, "", "7", "35")

		wantCode(t, e.app.DeleteDictEntry(e.admin, domain.DictShippingMethod, express.ID), domain.CodeReferenced)
		if err := e.app.DeletePartnerAddress(e.admin, cus.ID, a1.ID); err != nil {
			t.Fatal(err)
		}
		if list := must[[]domain.PartnerAddress](t)(e.app.PartnerAddresses(e.admin, cus.ID)); len(list) != 1 {
			t.Fatalf("after delete %+v", list)
		}
	})
}
