package app_test

import (
	"context"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// The security finding of issue 21: master:write let a purchaser raise a
// customer's credit limit and let a warehouse go negative. Those fields now
// need partner:credit and warehouse:policy; the purchaser keeps the rest.
func TestMasterWriteCannotSetCreditOrNegativeStock(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cat := e.app.Catalog()
		buyer := app.WithActor(context.Background(), &domain.User{ID: 7, Name: "采购", Roles: []domain.Role{domain.RolePurchaser}, Status: domain.UserActive})

		cust := must[*domain.Partner](t)(cat.Partners.Create(e.admin, app.PartnerInput{Code: ptr("C1"), Name: ptr("客户"),
			Type: ptr(domain.PartnerCustomer), CreditLimit: ptr(d("5000"))}))
		_, err := cat.Partners.Update(buyer, cust.ID, app.PartnerInput{CreditLimit: ptr(d("99999999")), Version: cust.Version})
		if de := wantCode(t, err, domain.CodeForbiddenField); de.Field != "credit_limit" || de.Kind != domain.KindForbidden {
			t.Fatalf("purchaser raises a credit limit: %+v", de)
		}
		// The same value again is not a change; other fields stay open.
		up := must[*domain.Partner](t)(cat.Partners.Update(buyer, cust.ID, app.PartnerInput{Phone: ptr("138"), CreditLimit: ptr(d("5000.00")), Version: cust.Version}))
		if !up.CreditLimit.Equal(d("5000")) || up.Phone != "138" {
			t.Fatalf("purchaser's harmless edit: %+v", up)
		}
		// On create, a credit limit other than none is setting one.
		_, err = cat.Partners.Create(buyer, app.PartnerInput{Code: ptr("C2"), Name: ptr("新客户"), Type: ptr(domain.PartnerCustomer), CreditLimit: ptr(d("1"))})
		wantCode(t, err, domain.CodeForbiddenField)
		must[*domain.Partner](t)(cat.Partners.Create(buyer, app.PartnerInput{Code: ptr("S2"), Name: ptr("新供应商"), Type: ptr(domain.PartnerSupplier)}))

		w := e.warehouse("W1", false)
		_, err = cat.Warehouses.Update(buyer, w.ID, app.WarehouseInput{AllowNegative: ptr(true), Version: w.Version})
		if de := wantCode(t, err, domain.CodeForbiddenField); de.Field != "allow_negative" {
			t.Fatalf("purchaser allows negative stock: %+v", de)
		}
		_, err = cat.Warehouses.Create(buyer, app.WarehouseInput{Code: ptr("W2"), Name: ptr("二号"), AllowNegative: ptr(true)})
		wantCode(t, err, domain.CodeForbiddenField)
		must[*domain.Warehouse](t)(cat.Warehouses.Update(buyer, w.ID, app.WarehouseInput{Address: ptr("杭州"), Version: w.Version}))

		// The administrator holds both.
		must[*domain.Partner](t)(cat.Partners.Update(e.admin, cust.ID, app.PartnerInput{CreditLimit: ptr(d("8000")), Version: up.Version}))
		w2 := must[*domain.Warehouse](t)(cat.Warehouses.Get(e.admin, w.ID))
		must[*domain.Warehouse](t)(cat.Warehouses.Update(e.admin, w.ID, app.WarehouseInput{AllowNegative: ptr(true), Version: w2.Version}))
	})
}
