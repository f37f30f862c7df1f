package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// newClockEnv is newEnv on a store whose clock the test moves (the app's
// clock defaults to the store's, so there is one).
func newClockEnv(t *testing.T, driver string) (*env, *storetest.Clock) {
	t.Helper()
	s, clock := storetest.OpenClock(t, driver)
	o := app.Options{Store: s, Cache: storetest.Cache(t, driver),
		Auth: app.AuthConfig{Secret: []byte("test-secret-test-secret-test-secret"), TokenTTL: time.Hour}}
	return &env{t: t, app: app.New(o), store: s, admin: app.WithActor(context.Background(), app.System), opts: o}, clock
}

func shanghai(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// Business dates (业务日期) and closing (月末结账), issue 20 §3: a month closes
// only after its last day unless forced with a reason (audit-logged); the
// checklist names what blocks a closing; after an early close on the
// month's last day, a shipment dated in the next month posts, and its
// voucher, open item and moves are in that month.
func TestBusinessDatesAndClosing(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e, clock := newClockEnv(t, driver)
		clock.Set(shanghai(t, "2026-11-30 10:00"))
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		neg := e.warehouse("W9", true)
		p := e.product("P1", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "100000")

		// Documents default to today and may be dated back; a date ahead
		// is refused while the month is open.
		op := must[*domain.Opening](t)(e.app.PostOpening(e.admin, app.OpeningInput{WarehouseID: wh.ID, BizDate: "2026-11-01",
			Lines: []app.OpeningLineInput{{ProductID: p.ID, Qty: d("10"), UnitCost: d("5")}}}))
		if op.BizDate != "2026-11-01" {
			t.Fatalf("opening dated %q", op.BizDate)
		}
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("6")}))
		rc := must[*domain.StockDoc](t)(e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: po.ID, BizDate: "2026-11-10",
			Lines: []domain.MoveLine{{LineID: po.Lines[0].ID, Qty: d("10")}}}))
		if rc.BizDate != "2026-11-10" {
			t.Fatalf("receipt dated %q", rc.BizDate)
		}
		vs := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.DocPurchaseReceipt, SourceID: rc.ID}, app.ListParams{}))
		if len(vs.Items) != 1 || vs.Items[0].Date != "2026-11-10" || vs.Items[0].Period != "2026-11" {
			t.Fatalf("receipt voucher %+v", vs.Items)
		}
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("4"), UnitPrice: d("10")}))
		ship := func(date string) (*domain.StockDoc, error) {
			return e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, BizDate: date, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("1")}}})
		}
		for _, bad := range []string{"2026-12-01", "2026-11-31", "30/11/2026"} {
			_, err := ship(bad)
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "biz_date" {
				t.Fatalf("%s: field %s", bad, de.Field)
			}
		}
		sh1 := must[*domain.StockDoc](t)(ship(""))
		if sh1.BizDate != "2026-11-30" {
			t.Fatalf("default date %q", sh1.BizDate)
		}
		// A draft dated in the month blocks its closing.
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &neg.ID,
			BizDate: ptr("2026-11-20"), Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("1")}}}))
		_, err := e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &neg.ID,
			BizDate: ptr("2026-12-05"), Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("1")}}})
		wantCode(t, err, domain.CodeValidation)

		cl := must[*domain.Checklist](t)(e.app.PeriodChecklist(e.admin, "2026-11"))
		if !cl.Early || cl.LastDay != "2026-11-30" || strings.Join(cl.Blocking, ",") != domain.CheckDrafts {
			t.Fatalf("checklist %+v", cl)
		}
		for _, it := range cl.Items {
			switch it.Code {
			case domain.CheckDrafts:
				if it.Count != 1 || it.Level != domain.CheckBlock {
					t.Fatalf("drafts %+v", it)
				}
			case domain.CheckBooks, domain.CheckNegativeStock, domain.CheckPendingApprovals:
				if it.Level != domain.CheckOK {
					t.Fatalf("%s %+v", it.Code, it)
				}
			case domain.CheckVAT:
				// 4 × 10 sold at 13 % less 10 × 6 bought at 13 %: input VAT
				// ahead, nothing to carry.
				if it.Level != domain.CheckInfo || !strings.Contains(it.Message, "无应交增值税") {
					t.Fatalf("vat %+v", it)
				}
			}
		}

		// On the month's last day: refused without force, and without a
		// reason; forced, the blocking draft still refuses it.
		_, err = e.app.ClosePeriod(e.admin, "2026-11", app.CloseInput{})
		if de := wantCode(t, err, domain.CodeCloseEarly); de.Field != "force" {
			t.Fatalf("field %s", de.Field)
		}
		_, err = e.app.ClosePeriod(e.admin, "2026-11", app.CloseInput{Force: true, Reason: " "})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "reason" {
			t.Fatalf("field %s", de.Field)
		}
		_, err = e.app.ClosePeriod(e.admin, "2026-11", app.CloseInput{Force: true, Reason: "月底盘点完成"})
		de := wantCode(t, err, domain.CodeClosingBlocked)
		if items, _ := de.Details["items"].([]string); strings.Join(items, ",") != domain.CheckDrafts || !strings.Contains(de.Message, "草稿") {
			t.Fatalf("blocked %+v", de)
		}
		must[*domain.Transfer](t)(e.app.CancelTransfer(e.admin, tr.ID))
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-11", app.CloseInput{Force: true, Reason: "月底盘点完成"}))
		if res.Status != store.PeriodClosed {
			t.Fatalf("close %+v", res)
		}
		log := must[*app.List[app.AuditView]](t)(e.app.AuditLog(e.admin, app.AuditFilter{Entity: "period", Action: "close"}, app.ListParams{}))
		if len(log.Items) != 1 || !strings.Contains(log.Items[0].After, `"force":true`) || !strings.Contains(log.Items[0].After, "月底盘点完成") {
			t.Fatalf("audit %+v", log.Items)
		}

		// Today is in the closed month: today's date is refused, the next
		// month's posts there, two months ahead is refused.
		_, err = ship("")
		wantCode(t, err, domain.CodePeriodClosed)
		_, err = ship("2027-01-01")
		wantCode(t, err, domain.CodeValidation)
		sh2 := must[*domain.StockDoc](t)(ship("2026-12-01"))
		vs = must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.DocSalesShipment, SourceID: sh2.ID}, app.ListParams{}))
		if len(vs.Items) != 1 || vs.Items[0].Date != "2026-12-01" || vs.Items[0].Period != "2026-12" {
			t.Fatalf("shipment voucher %+v", vs.Items)
		}
		moves := must[*app.List[domain.Move]](t)(e.app.Moves(e.admin, app.MoveFilter{DocType: domain.DocSalesShipment, DocID: sh2.ID}, app.ListParams{}))
		if len(moves.Items) != 1 || moves.Items[0].BizDate != "2026-12-01" {
			t.Fatalf("moves %+v", moves.Items)
		}
		items := must[*app.List[domain.OpenItem]](t)(e.app.ListOpenItems(e.admin, cus.ID, domain.ItemAR, "all", app.ListParams{}))
		dated := map[string]bool{}
		for _, it := range items.Items {
			dated[it.DocNumber+"@"+it.Date] = true
		}
		if !dated[sh1.Number+"@2026-11-30"] || !dated[sh2.Number+"@2026-12-01"] {
			t.Fatalf("open items %+v", items.Items)
		}
		// The sales detail of December (by business date) has the shipment
		// posted on November 30th and dated December 1st, and not the one
		// dated November 30th; its cost is December's 营业成本 voucher.
		from, to := shanghai(t, "2026-12-01 00:00"), shanghai(t, "2026-12-31 00:00") // To takes its whole day
		sd := must[*app.Report](t)(e.app.Report(e.admin, "sales-detail", app.ReportParams{From: &from, To: &to}))
		rows := sd.Items.([]store.SalesDetailRow)
		if len(rows) != 1 || rows[0].Number != sh2.Number || rows[0].Date != "2026-12-01" || !rows[0].Cost.Equal(sh2.CostAmount) {
			t.Fatalf("december sales detail %+v", rows)
		}
		nov := must[*app.Report](t)(e.app.Report(e.admin, "sales-detail", app.ReportParams{From: ptr(shanghai(t, "2026-11-01 00:00")), To: ptr(shanghai(t, "2026-11-30 00:00"))}))
		if rows := nov.Items.([]store.SalesDetailRow); len(rows) != 1 || rows[0].Number != sh1.Number {
			t.Fatalf("november sales detail %+v", rows)
		}
		// Money documents: their date is their business date, under the
		// same rule.
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("5"), Date: "2026-12-01"}))
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("5"), Date: "2027-01-02"})
		wantCode(t, err, domain.CodeValidation)
		// The closed month's stock does not count the December shipment;
		// the books agree with the business through December.
		var snap struct{ Qty, Value string }
		if err := e.store.DB().Table("period_stock").Select("CAST(SUM(qty) AS CHAR) AS qty").Where("period = ?", "2026-11").Scan(&snap).Error; err != nil {
			t.Fatal(err)
		}
		if !d(snap.Qty).Equal(d("19")) {
			t.Fatalf("snapshot of 2026-11: qty %s, want 19", snap.Qty)
		}
		// erpd check runs through December once November is closed early.
		if err := e.app.CheckBooks(e.admin); err != nil {
			t.Fatal(err)
		}

		// In December, a transfer out of an empty warehouse that allows it
		// leaves negative stock, which blocks December's closing.
		tr2 := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &neg.ID, ToWarehouseID: &wh.ID,
			BizDate: ptr("2026-12-01"), Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("2")}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr2.ID, 0))
		clock.Set(shanghai(t, "2027-01-01 09:00"))
		e.checkBooks()
		cl = must[*domain.Checklist](t)(e.app.PeriodChecklist(e.admin, "2026-12"))
		if cl.Early || strings.Join(cl.Blocking, ",") != domain.CheckNegativeStock {
			t.Fatalf("december checklist %+v", cl)
		}
		_, err = e.app.ClosePeriod(e.admin, "2026-12", app.CloseInput{})
		if de := wantCode(t, err, domain.CodeClosingBlocked); de.Details["items"].([]string)[0] != domain.CheckNegativeStock {
			t.Fatalf("blocked %+v", de)
		}
		_, err = e.app.ClosePeriod(e.admin, "2026-11", app.CloseInput{})
		wantCode(t, err, domain.CodeInvalidState)
		e.checkLedger()
	})
}
