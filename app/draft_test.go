package app_test

import (
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// Transfers and stocktakes share their draft use cases: the same states,
// versions and messages (with each document's own name), and an edit of
// the lines gives them new ids that a read sees.
func TestDraftLifecycleSharedByTransfersAndStocktakes(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		w1, w2 := e.warehouse("W1", false), e.warehouse("W2", false)
		p := e.product("A", u.ID, false)
		e.opening(w1.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("2")})

		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &w1.ID, ToWarehouseID: &w2.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("1")}}}))
		if tr.Status != domain.DocDraft || tr.Version != 1 || tr.Number == "" || tr.Lines[0].ID == 0 {
			t.Fatalf("new transfer %+v", tr)
		}
		ed := must[*domain.Transfer](t)(e.app.UpdateTransfer(e.admin, tr.ID, app.TransferInput{Version: 1,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("4")}}}))
		got := must[*domain.Transfer](t)(e.app.GetTransfer(e.admin, tr.ID))
		if ed.Version != 2 || got.Version != 2 || len(got.Lines) != 1 || got.Lines[0].ID != ed.Lines[0].ID || !got.Lines[0].Qty.Equal(d("4")) {
			t.Fatalf("edited %+v, read back %+v", ed, got)
		}
		posted := must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr.ID, 2))
		if posted.Status != domain.DocPosted || posted.Version != 3 || posted.PostedAt == nil || !posted.Lines[0].Amount.Equal(d("8")) {
			t.Fatalf("posted %+v", posted)
		}
		_, err := e.app.CancelTransfer(e.admin, tr.ID)
		if de := wantCode(t, err, domain.CodeInvalidState); !strings.HasPrefix(de.Message, "调拨单 "+tr.Number) || !strings.HasSuffix(de.Message, "不能作废") {
			t.Fatalf("cancel a posted transfer: %v", err)
		}
		_, err = e.app.UpdateTransfer(e.admin, tr.ID, app.TransferInput{Remark: ptr("x")})
		wantCode(t, err, domain.CodeInvalidState)
		e.wantBalance(p.ID, w2.ID, "", "4", "8")

		st := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &w1.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("5")}}}))
		c := must[*domain.Stocktake](t)(e.app.CancelStocktake(e.admin, st.ID))
		if c.Status != domain.DocCancelled || c.Version != 2 {
			t.Fatalf("cancelled %+v", c)
		}
		_, err = e.app.PostStocktake(e.admin, st.ID, 0)
		if de := wantCode(t, err, domain.CodeInvalidState); !strings.HasPrefix(de.Message, "盘点单 "+st.Number) || !strings.HasSuffix(de.Message, "不能过账") {
			t.Fatalf("post a cancelled stocktake: %v", err)
		}
		_, err = e.app.GetStocktake(e.admin, st.ID+100)
		wantCode(t, err, domain.CodeNotFound)
		e.checkLedger()
	})
}
