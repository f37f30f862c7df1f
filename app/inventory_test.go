package app_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// The numbers here are worked by hand: opening 100 @ 10 and 50 @ 13 in two
// warehouses, transfers that carry cost with them, a stocktake.
func TestLedgerScenario(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		a, b := e.warehouse("A", false), e.warehouse("B", false)
		p := e.product("P001", u.ID, false)

		op := e.opening(a.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("100"), UnitCost: d("10")})
		if op.Status != domain.DocPosted || op.Number == "" || !op.Lines[0].Amount.Equal(d("1000")) {
			t.Fatalf("opening = %+v", op)
		}
		e.opening(b.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("50"), UnitCost: d("13")})
		e.wantBalance(p.ID, a.ID, "", "100", "1000")
		e.wantBalance(p.ID, b.ID, "", "50", "650")

		// 30 from A to B: they leave A at 10 and arrive at B at 10, so B's
		// average becomes (650 + 300) / 80 = 11.875.
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &a.ID, ToWarehouseID: &b.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("30")}}}))
		if tr.Status != domain.DocDraft {
			t.Fatalf("new transfer is %s", tr.Status)
		}
		e.wantBalance(p.ID, a.ID, "", "100", "1000") // a draft moves nothing
		tr = must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr.ID, tr.Version))
		if tr.Status != domain.DocPosted || !tr.Lines[0].Amount.Equal(d("300")) || !tr.Lines[0].UnitCost.Equal(d("10")) {
			t.Fatalf("posted transfer = %+v", tr)
		}
		e.wantBalance(p.ID, a.ID, "", "70", "700")
		e.wantBalance(p.ID, b.ID, "", "80", "950")
		if avg := e.balance(p.ID, b.ID, "").AvgCost; !avg.Equal(d("11.875")) {
			t.Fatalf("B average = %s, want 11.875", avg)
		}

		// Posting twice is refused; so is editing a posted document.
		_, err := e.app.PostTransfer(e.admin, tr.ID, 0)
		wantCode(t, err, domain.CodeInvalidState)
		_, err = e.app.UpdateTransfer(e.admin, tr.ID, app.TransferInput{Remark: ptr("改")})
		wantCode(t, err, domain.CodeInvalidState)

		// 40 from B back to A leave B at 11.875: 475. A: (700 + 475) / 110.
		tr2 := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &b.ID, ToWarehouseID: &a.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("40")}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr2.ID, 0))
		e.wantBalance(p.ID, b.ID, "", "40", "475")
		e.wantBalance(p.ID, a.ID, "", "110", "1175")

		// Stocktake in A: counted 105, book 110 → loss of 5 at 1175/110, in 分.
		st := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &a.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("105")}}}))
		st = must[*domain.Stocktake](t)(e.app.PostStocktake(e.admin, st.ID, st.Version))
		l := st.Lines[0]
		if !l.BookQty.Equal(d("110")) || !l.DiffQty.Equal(d("-5")) || !l.Amount.Equal(d("-53.41")) {
			t.Fatalf("stocktake line = %+v", l)
		}
		e.wantBalance(p.ID, a.ID, "", "105", "1121.59")

		// Stocktake gain in B at B's average 11.875.
		st2 := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &b.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("42")}}}))
		st2 = must[*domain.Stocktake](t)(e.app.PostStocktake(e.admin, st2.ID, 0))
		if !st2.Lines[0].Amount.Equal(d("23.75")) {
			t.Fatalf("gain amount = %s, want 23.75", st2.Lines[0].Amount)
		}
		e.wantBalance(p.ID, b.ID, "", "42", "498.75")

		moves := must[*app.List[domain.Move]](t)(e.app.Moves(e.admin, app.MoveFilter{ProductID: p.ID}, app.ListParams{PageSize: 100}))
		if moves.Total != 8 {
			t.Fatalf("%d moves, want 8 (2 openings, 2×2 transfer legs, 2 stocktakes)", moves.Total)
		}
		e.checkLedger()
	})
}

func TestNegativeStockRefusedUnlessAllowed(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		strict, loose, other := e.warehouse("S", false), e.warehouse("L", true), e.warehouse("O", false)
		p := e.product("N001", u.ID, false)
		e.opening(strict.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("40"), UnitCost: d("5")})
		e.opening(loose.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("5")})

		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &strict.ID, ToWarehouseID: &other.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("41")}}}))
		_, err := e.app.PostTransfer(e.admin, tr.ID, 0)
		de := wantCode(t, err, domain.CodeInsufficientStock)
		if de.Field != "lines[0].qty" || de.Details["available"] != "40" || de.Kind != domain.KindInvalid {
			t.Fatalf("error = %+v", de)
		}
		got := must[*domain.Transfer](t)(e.app.GetTransfer(e.admin, tr.ID))
		if got.Status != domain.DocDraft {
			t.Fatalf("a refused posting left the transfer %s", got.Status)
		}
		e.wantBalance(p.ID, strict.ID, "", "40", "200")

		tr2 := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &loose.ID, ToWarehouseID: &other.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("15")}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr2.ID, 0))
		e.wantBalance(p.ID, loose.ID, "", "-5", "-25")
		e.wantBalance(p.ID, other.ID, "", "15", "75")
		e.checkLedger()
	})
}

func TestBatchTrackedProducts(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("盒")
		a, b := e.warehouse("A", false), e.warehouse("B", false)
		p := e.product("MED01", u.ID, true)
		_, err := e.app.PostOpening(e.admin, app.OpeningInput{WarehouseID: a.ID, Lines: []app.OpeningLineInput{{ProductID: p.ID, Qty: d("10"), UnitCost: d("2")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[0].batch" {
			t.Fatalf("field = %s", de.Field)
		}
		e.opening(a.ID,
			app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("2"), Batch: "L1", Expiry: ptr("2027-06-30")},
			app.OpeningLineInput{ProductID: p.ID, Qty: d("5"), UnitCost: d("3"), Batch: "L2"})
		e.wantBalance(p.ID, a.ID, "L1", "10", "20")
		e.wantBalance(p.ID, a.ID, "L2", "5", "15")

		// Batches are separate stock: 6 of L2 are not there.
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &a.ID, ToWarehouseID: &b.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("6"), Batch: "L2"}}}))
		_, err = e.app.PostTransfer(e.admin, tr.ID, 0)
		wantCode(t, err, domain.CodeInsufficientStock)
		tr2 := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &a.ID, ToWarehouseID: &b.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("4"), Batch: "L1"}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr2.ID, 0))
		got := e.balance(p.ID, b.ID, "L1")
		if got.Expiry == nil || *got.Expiry != "2027-06-30" || !got.Value.Equal(d("8")) {
			t.Fatalf("batch L1 in B = %+v (expiry %v)", got, got.Expiry)
		}
		e.checkLedger()
	})
}

// The concurrency test: 100 on hand, 50 concurrent transfers of 3.
// Exactly 33 post and 17 are refused, stock never goes negative, and the
// balances still equal the sum of their moves.
func TestConcurrentTransfersNeverOversell(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		from, to := e.warehouse("F", false), e.warehouse("T", false)
		p := e.product("HOT1", u.ID, false)
		e.opening(from.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("100"), UnitCost: d("7")})

		ids := make([]int64, 50)
		for i := range ids {
			ids[i] = must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &from.ID, ToWarehouseID: &to.ID,
				Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("3")}}})).ID
		}
		var posted, refused atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, id := range ids {
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				<-start
				_, err := e.app.PostTransfer(e.admin, id, 0)
				switch {
				case err == nil:
					posted.Add(1)
				case isCode(err, domain.CodeInsufficientStock):
					refused.Add(1)
				default:
					t.Errorf("transfer %d: unexpected error %v", id, err)
				}
			}(id)
		}
		close(start)
		wg.Wait()
		if posted.Load() != 33 || refused.Load() != 17 {
			t.Fatalf("posted %d, refused %d; want 33 and 17", posted.Load(), refused.Load())
		}
		e.wantBalance(p.ID, from.ID, "", "1", "7")
		e.wantBalance(p.ID, to.ID, "", "99", "693")
		e.checkLedger()
	})
}

func TestStockAsOfDate(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		w := e.warehouse("W", false)
		p := e.product("AS01", u.ID, false)
		e.opening(w.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("12"), UnitCost: d("2.5")})
		today := e.store.Now().In(domain.Shanghai)
		day := func(t time.Time) time.Time {
			return app.EndOfDay(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, domain.Shanghai))
		}
		yesterday, todayEnd := day(today.AddDate(0, 0, -1)), day(today)
		l := must[*app.List[storeBalance]](t)(stockAsOf(e, yesterday))
		if len(l.Items) != 0 {
			t.Fatalf("as of yesterday: %+v, want nothing", l.Items)
		}
		l = must[*app.List[storeBalance]](t)(stockAsOf(e, todayEnd))
		if len(l.Items) != 1 || !l.Items[0].OnHand.Equal(d("12")) || !l.Items[0].Value.Equal(d("30")) || !l.Items[0].AvgCost.Equal(d("2.5")) {
			t.Fatalf("as of today: %+v", l.Items)
		}
	})
}

func TestStocktakeValidation(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		w := e.warehouse("W", false)
		p := e.product("V01", u.ID, false)
		for name, in := range map[string]app.StocktakeInput{
			"lines[0].counted_qty": {WarehouseID: &w.ID, Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("-1")}}},
			"lines[1].product_id":  {WarehouseID: &w.ID, Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("1")}, {ProductID: p.ID, CountedQty: d("2")}}},
			"lines[0].product_id":  {WarehouseID: &w.ID, Lines: &[]app.StocktakeLineInput{{ProductID: 9999, CountedQty: d("1")}}},
			"warehouse_id":         {WarehouseID: ptr(int64(9999)), Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("1")}}},
			"lines":                {WarehouseID: &w.ID, Lines: &[]app.StocktakeLineInput{}},
		} {
			_, err := e.app.CreateStocktake(e.admin, in)
			if de := wantCode(t, err, domain.CodeValidation); de.Field != name {
				t.Errorf("field = %s, want %s (%s)", de.Field, name, de.Message)
			}
		}
		// Cancel a draft; a cancelled one cannot be posted.
		st := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &w.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("3"), UnitCost: ptr(d("4"))}}}))
		// Stale version on edit is a conflict.
		_, err := e.app.UpdateStocktake(e.admin, st.ID, app.StocktakeInput{Remark: ptr("x"), Version: st.Version + 1})
		wantCode(t, err, domain.CodeVersionConflict)
		must[*domain.Stocktake](t)(e.app.CancelStocktake(e.admin, st.ID))
		_, err = e.app.PostStocktake(e.admin, st.ID, 0)
		wantCode(t, err, domain.CodeInvalidState)
		// A gain of a product never stocked here comes in at the line's cost.
		st2 := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &w.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("3"), UnitCost: ptr(d("4"))}}}))
		must[*domain.Stocktake](t)(e.app.PostStocktake(e.admin, st2.ID, 0))
		e.wantBalance(p.ID, w.ID, "", "3", "12")
		e.checkLedger()
	})
}
