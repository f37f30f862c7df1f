package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

type env struct {
	t     *testing.T
	app   *app.App
	store *store.Store
	admin context.Context
	opts  app.Options
}

func newEnv(t *testing.T, driver string) *env {
	t.Helper()
	s := storetest.Open(t, driver)
	o := app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: nil,
		Auth: app.AuthConfig{Secret: []byte("test-secret-test-secret-test-secret"), TokenTTL: time.Hour}}
	return &env{t: t, app: app.New(o), store: s, admin: app.WithActor(context.Background(), app.System), opts: o}
}

// billAt restarts the use cases on the same database with finance.bill_at
// set to mode, as an administrator changing the setting would.
func (e *env) billAt(mode string) {
	e.opts.BillAt = mode
	e.app = app.New(e.opts)
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ptr[T any](v T) *T { return &v }

func must[T any](t *testing.T) func(T, error) T {
	t.Helper()
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t *testing.T, err error, code string) *domain.Error {
	t.Helper()
	e := domain.AsError(err)
	if e == nil || e.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	return e
}

func (e *env) unit(name string) *domain.Unit {
	return must[*domain.Unit](e.t)(e.app.Catalog().Units.Create(e.admin, app.UnitInput{Name: &name}))
}

func (e *env) warehouse(code string, allowNeg bool) *domain.Warehouse {
	return must[*domain.Warehouse](e.t)(e.app.Catalog().Warehouses.Create(e.admin, app.WarehouseInput{Code: &code, Name: ptr("仓库" + code), AllowNegative: &allowNeg}))
}

func (e *env) product(sku string, unitID int64, batch bool) *domain.Product {
	return must[*domain.Product](e.t)(e.app.Catalog().Products.Create(e.admin, app.ProductInput{SKU: &sku, Name: ptr("商品" + sku), UnitID: &unitID, BatchTracked: &batch}))
}

func (e *env) opening(wh int64, lines ...app.OpeningLineInput) *domain.Opening {
	return must[*domain.Opening](e.t)(e.app.PostOpening(e.admin, app.OpeningInput{WarehouseID: wh, Lines: lines}))
}

// balance returns the current balance of a key (zero when there is none).
func (e *env) balance(product, wh int64, batch string) domain.Balance {
	e.t.Helper()
	l, err := e.app.Stock(e.admin, app.StockFilter{ProductID: product, WarehouseID: wh, Batch: &batch}, app.ListParams{})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(l.Items) == 0 {
		return domain.Balance{}
	}
	return l.Items[0].Balance
}

func (e *env) wantBalance(product, wh int64, batch, onHand, value string) {
	e.t.Helper()
	b := e.balance(product, wh, batch)
	if !b.OnHand.Equal(d(onHand)) || !b.Value.Equal(d(value)) {
		e.t.Fatalf("balance(p%d, w%d, %q) = %s / %s, want %s / %s", product, wh, batch, b.OnHand, b.Value, onHand, value)
	}
}

// checkLedger asserts the ledger's invariant: every balance is the sum of
// its moves, in quantity and in value.
func (e *env) checkLedger() {
	e.t.Helper()
	bad, err := e.store.LedgerCheck(e.store.Read(context.Background()))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(bad) > 0 {
		e.t.Fatalf("balances that differ from their moves: %v", bad)
	}
}

func isCode(err error, code string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == code
}

type storeBalance = store.BalanceView

func stockAsOf(e *env, end time.Time) (*app.List[storeBalance], error) {
	return e.app.Stock(e.admin, app.StockFilter{AsOf: &end}, app.ListParams{})
}
