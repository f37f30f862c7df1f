package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// books returns each account's closing balance on its normal side, by code,
// from the trial balance of the current period.
func (e *env) books() (map[string]decimal.Decimal, domain.TrialBalanceRow) {
	e.t.Helper()
	r, err := e.app.Report(e.admin, "trial-balance", app.ReportParams{})
	if err != nil {
		e.t.Fatal(err)
	}
	accounts, err := store.AccountsByCode(e.store.Read(context.Background()))
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]decimal.Decimal{}
	for _, row := range r.Items.([]domain.TrialBalanceRow) {
		net := row.ClosingDebit.Sub(row.ClosingCredit)
		if accounts[row.Code].Normal == domain.Credit {
			net = net.Neg()
		}
		out[row.Code] = net
	}
	return out, r.Summary["total"].(domain.TrialBalanceRow)
}

// checkBooks asserts the ledger invariants: every voucher balances (header
// and lines), the trial balance balances, and 1405 equals the stock
// valuation.
func (e *env) checkBooks() {
	e.t.Helper()
	q := e.store.Read(context.Background())
	// Summed here in decimals: SQLite would sum floats.
	var lines []struct {
		VoucherID     int64
		Debit, Credit decimal.Decimal
	}
	var heads []struct {
		ID            int64
		Debit, Credit decimal.Decimal
	}
	if err := q.DB().Table("voucher_lines").Select("voucher_id, debit, credit").Scan(&lines).Error; err != nil {
		e.t.Fatal(err)
	}
	if err := q.DB().Table("vouchers").Select("id, debit, credit").Scan(&heads).Error; err != nil {
		e.t.Fatal(err)
	}
	sums := map[int64][2]decimal.Decimal{}
	for _, l := range lines {
		s := sums[l.VoucherID]
		sums[l.VoucherID] = [2]decimal.Decimal{s[0].Add(l.Debit), s[1].Add(l.Credit)}
	}
	for _, h := range heads {
		s := sums[h.ID]
		if !s[0].Equal(s[1]) || !s[0].Equal(h.Debit) || !h.Debit.Equal(h.Credit) {
			e.t.Fatalf("voucher %d: lines %s / %s, header %s / %s", h.ID, s[0], s[1], h.Debit, h.Credit)
		}
	}
	// The per-month totals statements read agree with the lines.
	var lineRows []struct {
		AccountID     int64
		Period        string
		Debit, Credit decimal.Decimal
	}
	if err := q.DB().Table("voucher_lines").Select("account_id, period, debit, credit").Scan(&lineRows).Error; err != nil {
		e.t.Fatal(err)
	}
	type ap struct {
		a int64
		p string
	}
	want := map[ap][2]decimal.Decimal{}
	for _, l := range lineRows {
		k := ap{l.AccountID, l.Period}
		w := want[k]
		want[k] = [2]decimal.Decimal{w[0].Add(l.Debit), w[1].Add(l.Credit)}
	}
	var totRows []struct {
		AccountID     int64
		Period        string
		Debit, Credit decimal.Decimal
	}
	if err := q.DB().Table("account_period_totals").Select("account_id, period, debit, credit").Scan(&totRows).Error; err != nil {
		e.t.Fatal(err)
	}
	for _, r := range totRows {
		w := want[ap{r.AccountID, r.Period}]
		if !domain.RoundAmount(r.Debit).Equal(w[0]) || !domain.RoundAmount(r.Credit).Equal(w[1]) {
			e.t.Fatalf("period totals of account %d %s: %s / %s, lines %s / %s", r.AccountID, r.Period, r.Debit, r.Credit, w[0], w[1])
		}
		delete(want, ap{r.AccountID, r.Period})
	}
	for k, w := range want {
		if !w[0].IsZero() || !w[1].IsZero() {
			e.t.Fatalf("no period totals for account %d %s (%s / %s)", k.a, k.p, w[0], w[1])
		}
	}
	bal, total := e.books()
	if !total.Balanced() {
		e.t.Fatalf("trial balance does not balance: %+v", total)
	}
	val, err := store.StockValuation(q)
	if err != nil {
		e.t.Fatal(err)
	}
	if !bal["1405"].Equal(val) {
		e.t.Fatalf("1405 = %s, stock valuation = %s", bal["1405"], val)
	}
	// 1122 and 2202 hold the documents' open amounts; 2203 and 1123 the
	// money documents' advances not yet used.
	for _, sd := range []struct{ ledger, advance, kind string }{{"1122", "2203", domain.ItemAR}, {"2202", "1123", domain.ItemAP}} {
		docs, advances, err := store.OpenSplit(q, sd.kind)
		if err != nil {
			e.t.Fatal(err)
		}
		// Documents waiting for their invoice sit in the books without VAT.
		waiting, _, err := store.Uninvoiced(q, sd.kind, 0, time.Time{}, "")
		if err != nil {
			e.t.Fatal(err)
		}
		docs = docs.Add(store.SumOf(waiting))
		if !bal[sd.ledger].Equal(docs) || !bal[sd.advance].Equal(advances) {
			e.t.Fatalf("%s = %s and %s = %s, open %s items = %s and advances %s", sd.ledger, bal[sd.ledger], sd.advance, bal[sd.advance],
				sd.kind, docs, advances)
		}
	}
	// The balance sheet balances, now and at the start of the year.
	bs := must[*app.Report](e.t)(e.app.Report(e.admin, "balance-sheet", app.ReportParams{}))
	if bs.Summary["balanced"] != true {
		lines := map[int]app.StatementLine{}
		for _, l := range bs.Items.([]app.StatementLine) {
			lines[l.Line] = l
		}
		e.t.Fatalf("balance sheet: assets %s, liabilities and equity %s", lines[30].Col1, lines[53].Col1)
	}
	e.checkCashFlow()
	// Every open amount lies between zero and its item's amount.
	var wrong int64
	q.DB().Table("open_items").Where("(amount > 0 AND (open_amount < 0 OR open_amount > amount)) OR (amount < 0 AND (open_amount > 0 OR open_amount < amount))").Count(&wrong)
	if wrong > 0 {
		e.t.Fatalf("%d open items over- or under-settled", wrong)
	}
}

// checkCashFlow asserts, for every month the books have touched, that
// 现金流量表's 现金净增加额 is the change in 货币资金 (资产负债表 line 1) over
// the month and over the year to date, and that its 期初/期末现金余额 are
// 货币资金 at the start and the end; and that the books check (erpd check,
// closing) agrees.
func (e *env) checkCashFlow() {
	e.t.Helper()
	var periods []string
	if err := e.store.DB().Table("voucher_lines").Distinct("period").Order("period").Pluck("period", &periods).Error; err != nil {
		e.t.Fatal(err)
	}
	report := func(name, period string) map[int][2]decimal.Decimal {
		r := must[*app.Report](e.t)(e.app.Report(e.admin, name, app.ReportParams{Period: period}))
		out := map[int][2]decimal.Decimal{}
		switch rows := r.Items.(type) {
		case []app.StatementLine:
			for _, l := range rows {
				out[l.Line] = [2]decimal.Decimal{l.Col1, l.Col2}
			}
		case []app.CashFlowRow:
			for _, l := range rows {
				switch {
				case l.Line != nil:
					out[*l.Line] = [2]decimal.Decimal{*l.Col1, *l.Col2}
				case l.Col1 != nil: // 上线前本年现金净增加额, no line of the form
					out[domain.CFLineBeforeGoLive] = [2]decimal.Decimal{*l.Col1, *l.Col2}
				}
			}
		}
		return out
	}
	for _, p := range periods {
		cf, bs, prev := report("cash-flow", p), report("balance-sheet", p), report("balance-sheet", domain.PrevPeriod(p))
		end, yearStart, monthStart := bs[1][0], bs[1][1], prev[1][0]
		if !cf[20][1].Equal(end.Sub(monthStart)) || !cf[20][0].Equal(end.Sub(yearStart)) {
			e.t.Fatalf("%s: 现金净增加额 month %s year %s, 货币资金 %s → %s (年初 %s)", p, cf[20][1], cf[20][0], monthStart, end, yearStart)
		}
		if !cf[22][0].Equal(end) || !cf[22][1].Equal(end) || !cf[21][1].Equal(monthStart) || !cf[21][0].Equal(yearStart) {
			e.t.Fatalf("%s: 期初/期末现金余额 %v / %v, 货币资金 %s → %s (年初 %s)", p, cf[21], cf[22], monthStart, end, yearStart)
		}
		for col, name := range []string{"本年", "本月"} {
			before := cf[domain.CFLineBeforeGoLive][col]
			if !cf[20][col].Equal(cf[7][col].Add(cf[13][col]).Add(cf[19][col]).Add(before)) {
				e.t.Fatalf("%s: %s 现金净增加额 %s is not 经营 + 投资 + 筹资 + 上线前 %s", p, name, cf[20][col], before)
			}
		}
	}
	if err := e.app.CheckBooks(e.admin); err != nil {
		e.t.Fatalf("books check: %v", err)
	}
}

func wantBooks(t *testing.T, got map[string]decimal.Decimal, want map[string]string) {
	t.Helper()
	for code, w := range want {
		if !got[code].Equal(d(w)) {
			t.Errorf("account %s = %s, want %s", code, got[code], w)
		}
	}
}

// The hand-computed books: receive 100 @ 10 with 13% VAT, ship 50 @ 20,
// take 10 back; every account's balance by hand.
func TestBooksFromPostings(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("100")})
		bal, _ := e.books()
		wantBooks(t, bal, map[string]string{"1405": "1000", "22210101": "130", "2202": "1130"})

		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("50"), UnitPrice: d("20")}))
		gi := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID,
			Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("50")}}}))
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1405": "500", "22210101": "130", "2202": "1130", "1122": "1130",
			"5001": "1000", "22210107": "130", "5401": "500"})
		e.checkBooks()

		// A sales return books red-letter: the same accounts, negative.
		must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: gi.ID,
			Lines: []domain.MoveLine{{LineID: gi.Lines[0].ID, Qty: d("10")}}}))
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1405": "600", "1122": "904", "5001": "800", "22210107": "104", "5401": "400"})
		e.checkBooks()
		vs := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.DocSalesReturn}, app.ListParams{}))
		if vs.Total != 1 {
			t.Fatalf("return vouchers %+v", vs)
		}
		rv := must[*domain.Voucher](t)(e.app.GetVoucher(e.admin, vs.Items[0].ID))
		for _, l := range rv.Lines {
			if l.Debit.IsPositive() || l.Credit.IsPositive() {
				t.Fatalf("a return's voucher line is not red: %+v", l)
			}
		}
		// Numbers are continuous within the period: receipt, shipment, return.
		all := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{}, app.ListParams{}))
		for i, v := range all.Items {
			if v.Number != domain.VoucherNumber(i+1) {
				t.Fatalf("voucher %d is %s", i, v.Number)
			}
		}
	})
}

func TestManualVouchers(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		acct := func(code string) int64 {
			m, err := store.AccountsByCode(e.store.Read(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			return m[code].ID
		}
		line := func(code, dr, cr string) app.VoucherLineInput {
			l := app.VoucherLineInput{AccountID: acct(code), Debit: d(dr), Credit: d(cr), Summary: "银行手续费"}
			if code == "1002" {
				l.CashFlowItem = domain.CFOtherOperOut // 支付其他与经营活动有关的现金
			}
			return l
		}
		// Bank charges: Dr 5603 / Cr 1002.
		v := must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Remark: "手续费",
			Lines: []app.VoucherLineInput{line("5603", "12.50", "0"), line("1002", "0", "12.50")}}))
		if v.Number != "记-0001" || !v.Debit.Equal(d("12.5")) {
			t.Fatalf("voucher %+v", v)
		}
		_, err := e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{line("5603", "10", "0"), line("1002", "0", "9.99")}})
		wantCode(t, err, domain.CodeUnbalancedVoucher)
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{line("2221", "10", "0"), line("1002", "0", "10")}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[0].account_id" {
			t.Fatalf("field %s", de.Field)
		}
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{line("5603", "10.001", "0"), line("1002", "0", "10.001")}})
		wantCode(t, err, domain.CodeValidation)
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{line("5603", "10", "10"), line("1002", "0", "0")}})
		wantCode(t, err, domain.CodeValidation)
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2026-13-01", Lines: []app.VoucherLineInput{line("5603", "1", "0"), line("1002", "0", "1")}})
		wantCode(t, err, domain.CodeValidation)

		// Corrected by a red-letter reversal, once, dated no earlier.
		_, err = e.app.ReverseVoucher(e.admin, v.ID, "2000-01-01")
		wantCode(t, err, domain.CodeValidation)
		r := must[*domain.Voucher](t)(e.app.ReverseVoucher(e.admin, v.ID, ""))
		if r.Number != "记-0002" || !r.Lines[0].Debit.Equal(d("-12.5")) || !r.Lines[1].Credit.Equal(d("-12.5")) || *r.ReversalOf != v.ID ||
			r.Lines[1].CashFlowItem != domain.CFOtherOperOut || r.Lines[0].CashFlowItem != 0 {
			t.Fatalf("reversal %+v", r)
		}
		_, err = e.app.ReverseVoucher(e.admin, v.ID, "")
		wantCode(t, err, domain.CodeInvalidState)
		_, err = e.app.ReverseVoucher(e.admin, r.ID, "")
		wantCode(t, err, domain.CodeInvalidState)
		bal, total := e.books()
		if !bal["5603"].IsZero() || !bal["1002"].IsZero() || !total.Balanced() || !total.PeriodDebit.IsZero() {
			t.Fatalf("after reversal: %v %+v", bal, total)
		}

		// Sub-accounts: under an account without postings, coded parent + 2.
		sub := must[*domain.Account](t)(e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(acct("1012")), Code: ptr("101201"), Name: ptr("支付宝")}))
		if sub.Level != 2 || sub.Normal != domain.Debit || sub.Category != domain.AccountAsset {
			t.Fatalf("sub-account %+v", sub)
		}
		_, err = e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(acct("1002")), Code: ptr("100201"), Name: ptr("工商银行")})
		wantCode(t, err, domain.CodeInvalidState) // 1002 has postings
		_, err = e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(acct("1012")), Code: ptr("10139"), Name: ptr("x")})
		wantCode(t, err, domain.CodeValidation)
		_, err = e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(acct("1012")), Code: ptr("101201"), Name: ptr("重复")})
		wantCode(t, err, domain.CodeDuplicate)
		// Accounts the templates or erpd itself post to stay leaves and stay
		// active.
		_, err = e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(acct("5401")), Code: ptr("540101"), Name: ptr("商品成本")})
		wantCode(t, err, domain.CodeInvalidState)
		stock := must[*app.List[domain.Account]](t)(e.app.ListAccounts(e.admin, app.ListParams{Q: "库存商品"})).Items[0]
		_, err = e.app.UpdateAccount(e.admin, stock.ID, app.AccountInput{Status: ptr(domain.StatusInactive), Version: stock.Version})
		wantCode(t, err, domain.CodeInvalidState)
		wantCode(t, e.app.DeleteAccount(e.admin, acct("1001")), domain.CodeInvalidState)
		wantCode(t, e.app.DeleteAccount(e.admin, acct("1012")), domain.CodeInvalidState) // system
		if err := e.app.DeleteAccount(e.admin, sub.ID); err != nil {
			t.Fatal(err)
		}
		// The parent with postings is no longer a leaf once it has a child, so
		// vouchers must use the child: 1012 → 101202.
		sub2 := must[*domain.Account](t)(e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(acct("1012")), Code: ptr("101202"), Name: ptr("微信")}))
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{line("1012", "5", "0"), line("1001", "0", "5")}})
		wantCode(t, err, domain.CodeValidation)
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{
			{AccountID: sub2.ID, Debit: d("5")}, line("1001", "0", "5")}}))

		// Templates: balanced for any amounts, on leaf accounts.
		ts := must[[]domain.VoucherTemplate](t)(e.app.ListTemplates(e.admin))
		var receipt domain.VoucherTemplate
		for _, tt := range ts {
			if tt.Event == domain.EventPurchaseReceipt {
				receipt = tt
			}
		}
		bad := append([]domain.TemplateLine{}, receipt.Lines...)
		bad[1].Side = domain.Credit // the variance on the wrong side
		_, err = e.app.UpdateTemplate(e.admin, receipt.Event, app.TemplateInput{Lines: bad, Version: receipt.Version})
		wantCode(t, err, domain.CodeUnbalancedVoucher)
		bad = append([]domain.TemplateLine{}, receipt.Lines...)
		bad[3].Account = "2221"
		_, err = e.app.UpdateTemplate(e.admin, receipt.Event, app.TemplateInput{Lines: bad, Version: receipt.Version})
		wantCode(t, err, domain.CodeValidation)
		good := append([]domain.TemplateLine{}, receipt.Lines...)
		good[0].Summary = "商品入库"
		up := must[*domain.VoucherTemplate](t)(e.app.UpdateTemplate(e.admin, receipt.Event, app.TemplateInput{Lines: good, Version: receipt.Version}))
		if up.Version != receipt.Version+1 || !up.UpdatedAt.After(receipt.UpdatedAt) || receipt.UpdatedAt.IsZero() {
			t.Fatalf("template version %d, updated %s (was %s)", up.Version, up.UpdatedAt, receipt.UpdatedAt)
		}
		for _, tt := range must[[]domain.VoucherTemplate](t)(e.app.ListTemplates(e.admin)) {
			if tt.Event == receipt.Event && (!tt.UpdatedAt.Equal(up.UpdatedAt) || tt.Lines[0].Summary != "商品入库") {
				t.Fatalf("template as listed after the change: %+v, want %+v", tt, up)
			}
		}
		_, err = e.app.UpdateTemplate(e.admin, receipt.Event, app.TemplateInput{Lines: good, Version: receipt.Version})
		wantCode(t, err, domain.CodeVersionConflict)
		e.checkBooks()
	})
}

// A randomized run of documents (receipts, shipments, returns, transfers,
// stocktakes, money documents, and after the first third, with receivables
// and payables at the invoice, invoices) keeps the books' invariants after
// every 250 and at the end.
func TestBooksInvariantsRandomized(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		rng := rand.New(rand.NewPCG(7, uint64(len(driver))))
		unit := e.unit("个")
		whs := []*domain.Warehouse{e.warehouse("W1", false), e.warehouse("W2", false)}
		var prods []*domain.Product
		for i := 0; i < 6; i++ {
			prods = append(prods, e.product(fmt.Sprintf("P%d", i), unit.ID, false))
		}
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		var receipts, shipments []*domain.StockDoc
		money := func() decimal.Decimal { return decimal.New(int64(rng.IntN(5000)+1), -2) }
		qty := func() decimal.Decimal { return decimal.NewFromInt(int64(rng.IntN(20) + 1)) }
		ops := 2000
		if testing.Short() {
			ops = 300
		}
		done := 0
		// Manual cash vouchers, drawn from their own source so the
		// documents' sequence stays the same: in this month and the two
		// before, so 现金流量表 has months and a year to date to tie out.
		rngCash := rand.New(rand.NewPCG(11, uint64(len(driver))))
		chart := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		cashVoucher := func() error {
			now := e.store.Now().In(domain.Shanghai)
			month := max(int(now.Month())-rngCash.IntN(3), 1)
			date := time.Date(now.Year(), time.Month(month), 1+rngCash.IntN(28), 0, 0, 0, 0, domain.Shanghai)
			if date.After(now) {
				date = now
			}
			amt := decimal.New(int64(rngCash.IntN(100000)+1), -2)
			line := func(code string, dr bool, item int) app.VoucherLineInput {
				l := app.VoucherLineInput{AccountID: chart[code].ID, CashFlowItem: item}
				if dr {
					l.Debit = amt
				} else {
					l.Credit = amt
				}
				return l
			}
			var lines []app.VoucherLineInput
			switch rngCash.IntN(5) {
			case 0: // 付房租
				lines = []app.VoucherLineInput{line("5602", true, 0), line("1002", false, domain.CFOtherOperOut)}
			case 1: // 提现 / 存现: no flow
				lines = []app.VoucherLineInput{line("1001", true, 0), line("1002", false, 0)}
			case 2: // 投资者投入
				lines = []app.VoucherLineInput{line("1002", true, domain.CFCapitalIn), line("3001", false, 0)}
			case 3: // 取得借款
				lines = []app.VoucherLineInput{line("1002", true, domain.CFBorrowed), line("2001", false, 0)}
			case 4: // 现金付办公费
				lines = []app.VoucherLineInput{line("5602", true, 0), line("1001", false, domain.CFOtherOperOut)}
			}
			_, err := e.app.CreateVoucher(e.admin, app.VoucherInput{Date: date.Format("2006-01-02"), Remark: "现金流量", Lines: lines})
			return err
		}
		for i := 0; i < ops; i++ {
			if i%40 == 39 {
				if err := cashVoucher(); err != nil {
					t.Fatalf("op %d: cash voucher: %v", i, err)
				}
			}
			p, wh := prods[rng.IntN(len(prods))], whs[rng.IntN(len(whs))]
			var err error
			if i == ops/3 {
				e.checkBooks()
				e.billAt(domain.BillAtInvoice) // the rest waits for invoices
			}
			switch rng.IntN(9) {
			case 8:
				// Invoice some of a partner's waiting documents.
				typ, pid := domain.DocSalesInvoice, cus.ID
				if rng.IntN(2) == 0 {
					typ, pid = domain.DocPurchaseInvoice, sup.ID
				}
				var docs []domain.StockDoc
				if docs, err = e.app.PendingInvoiceDocs(e.admin, typ, pid); err == nil && len(docs) > 0 {
					var ids []int64
					for _, doc := range docs[:rng.IntN(len(docs))+1] {
						ids = append(ids, doc.ID)
					}
					_, err = e.app.CreateInvoice(e.admin, typ, app.InvoiceInput{PartnerID: pid, InvoiceNo: fmt.Sprintf("%08d", i), DocIDs: ids})
				}
			case 7:
				if rng.IntN(2) == 0 {
					_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: money().Mul(decimal.NewFromInt(5))})
				} else {
					_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: money().Mul(decimal.NewFromInt(5))})
				}
			case 0, 1:
				var po *domain.Order
				po, err = e.app.CreateOrder(e.admin, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID,
					Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: qty(), UnitPrice: money()}}})
				if err == nil {
					if po, err = e.app.SubmitOrder(e.admin, po.Type, po.ID, 0); err == nil {
						var r *domain.StockDoc
						if r, err = e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: po.ID, Lines: []domain.MoveLine{{LineID: po.Lines[0].ID, Qty: po.Lines[0].Qty}}}); err == nil {
							receipts = append(receipts, r)
						}
					}
				}
			case 2, 3:
				var so *domain.Order
				so, err = e.app.CreateOrder(e.admin, domain.DocSalesOrder, app.OrderInput{PartnerID: &cus.ID, WarehouseID: &wh.ID,
					Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: qty(), UnitPrice: money()}}})
				if err == nil {
					if so, err = e.app.SubmitOrder(e.admin, so.Type, so.ID, 0); err == nil {
						var s *domain.StockDoc
						if s, err = e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: so.Lines[0].Qty}}}); err == nil {
							shipments = append(shipments, s)
						}
					}
				}
			case 4:
				if len(receipts) > 0 && rng.IntN(2) == 0 {
					r := receipts[rng.IntN(len(receipts))]
					_, err = e.app.PostPurchaseReturn(e.admin, app.ReturnInput{SourceID: r.ID, Lines: []domain.MoveLine{{LineID: r.Lines[0].ID, Qty: decimal.NewFromInt(1)}}})
				} else if len(shipments) > 0 {
					s := shipments[rng.IntN(len(shipments))]
					_, err = e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: s.ID, Lines: []domain.MoveLine{{LineID: s.Lines[0].ID, Qty: decimal.NewFromInt(1)}}})
				}
			case 5:
				to := whs[(rng.IntN(len(whs)-1)+1+indexOf(whs, wh))%len(whs)]
				var tr *domain.Transfer
				tr, err = e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &to.ID,
					Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: qty()}}})
				if err == nil {
					_, err = e.app.PostTransfer(e.admin, tr.ID, tr.Version)
				}
			case 6:
				cost := money()
				var st *domain.Stocktake
				st, err = e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &wh.ID,
					Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: decimal.NewFromInt(int64(rng.IntN(30))), UnitCost: &cost}}})
				if err == nil {
					_, err = e.app.PostStocktake(e.admin, st.ID, st.Version)
				}
			}
			if de := domain.AsError(err); err != nil && (de == nil || de.Kind == domain.KindInternal) {
				t.Fatalf("op %d: %v", i, err)
			}
			if err == nil {
				done++
			}
			if i%250 == 249 {
				e.checkBooks()
			}
		}
		e.checkBooks()
		e.checkLedger()
		for _, typ := range []string{domain.DocSalesInvoice, domain.DocPurchaseInvoice} {
			var n int64
			e.store.DB().Table("invoices").Where("type = ?", typ).Count(&n)
			if n < 5 {
				t.Fatalf("only %d %s in the run", n, typ)
			}
		}
		if done < ops/3 {
			t.Fatalf("only %d of %d random documents went through", done, ops)
		}
	})
}

func indexOf(whs []*domain.Warehouse, w *domain.Warehouse) int {
	for i, x := range whs {
		if x == w {
			return i
		}
	}
	return 0
}

// A database upgraded from before the ledger gets its earlier postings
// booked by the migration: the same books as if the ledger had been there.
func TestLedgerMigrationBooksEarlierPostings(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh, wh2 := e.warehouse("W1", false), e.warehouse("W2", false)
		p := e.product("A", e.unit("个").ID, false)
		e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("3.3333")})
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("7"), UnitPrice: d("4.1")}))
		gr := e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("7")})
		must[*domain.StockDoc](t)(e.app.PostPurchaseReturn(e.admin, app.ReturnInput{SourceID: gr.ID, Lines: []domain.MoveLine{{LineID: gr.Lines[0].ID, Qty: d("2")}}}))
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("6"), UnitPrice: d("9.99")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("6")}}}))
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &wh2.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("3")}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr.ID, tr.Version))
		st := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &wh2.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: d("2")}}}))
		must[*domain.Stocktake](t)(e.app.PostStocktake(e.admin, st.ID, st.Version))
		live, liveTotal := e.books()
		e.checkBooks()
		var n int64
		db := e.store.DB()
		db.Table("vouchers").Count(&n)

		// As the database was before the ledger: postings, no vouchers.
		for _, stmt := range []string{"DELETE FROM voucher_lines", "DELETE FROM vouchers", "DELETE FROM sequences WHERE name LIKE 'voucher:%'",
			"DELETE FROM allocations", "DELETE FROM open_items", "DELETE FROM account_period_totals", "DELETE FROM account_partner_totals",
			"DELETE FROM schema_migrations WHERE id IN ('202611230009_ledger', '202611230010_receivables', '202611230012_account_period_totals')"} {
			if err := db.Exec(stmt).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := e.store.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		var m int64
		db.Table("vouchers").Count(&m)
		back, backTotal := e.books()
		if m != n || !backTotal.ClosingDebit.Equal(liveTotal.ClosingDebit) {
			t.Fatalf("backfilled %d vouchers (live %d), totals %+v vs %+v", m, n, backTotal, liveTotal)
		}
		for code, v := range live {
			if !back[code].Equal(v) {
				t.Errorf("account %s: backfilled %s, live %s", code, back[code], v)
			}
		}
		e.checkBooks() // with 1122 and 2202 equal to the backfilled open items
		if owed := must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{})).Items.([]app.AgingRow); len(owed) != 1 {
			t.Fatalf("backfilled receivables %+v", owed)
		}
		// Numbering goes on after the backfilled ones.
		first := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{}, app.ListParams{PageSize: 1}))
		// A generated voucher is corrected through its document, not reversed.
		_, err := e.app.ReverseVoucher(e.admin, first.Items[0].ID, "")
		wantCode(t, err, domain.CodeInvalidState)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		v := must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{
			{AccountID: codes["1001"].ID, Debit: d("1"), CashFlowItem: domain.CFCapitalIn}, {AccountID: codes["3001"].ID, Credit: d("1")}}}))
		if v.Seq != int(n)+1 {
			t.Fatalf("next voucher is %s after %d backfilled", v.Number, n)
		}
	})
}

// The books by hand: receive 100 @ 10 with 13% VAT (AP 1,130), pay
// 500, ship 50 @ 20 (AR 1,130, revenue 1,000, cost 500), collect 1,130.
func TestBooksHandComputed(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		sup := must[*domain.Partner](t)(e.app.Catalog().Partners.Create(e.admin, app.PartnerInput{Code: ptr("S1"), Name: ptr("供应商"),
			Type: ptr(domain.PartnerSupplier), PaymentTermsDays: ptr(30)}))
		cus := must[*domain.Partner](t)(e.app.Catalog().Partners.Create(e.admin, app.PartnerInput{Code: ptr("C1"), Name: ptr("客户"),
			Type: ptr(domain.PartnerCustomer), PaymentTermsDays: ptr(15)}))
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("100")})
		pay := must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("500")}))
		if len(pay.Allocations) != 1 || !pay.Allocations[0].Amount.Equal(d("500")) || !pay.Unallocated.IsZero() {
			t.Fatalf("payment %+v", pay)
		}
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("50"), UnitPrice: d("20")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("50")}}}))

		// Aging today: AP 630 and AR 1,130, both not yet due.
		ar := must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{})).Items.([]app.AgingRow)
		ap := must[*app.Report](t)(e.app.Report(e.admin, "ap-aging", app.ReportParams{})).Items.([]app.AgingRow)
		if len(ar) != 1 || !ar[0].NotDue.Equal(d("1130")) || len(ap) != 1 || !ap[0].NotDue.Equal(d("630")) {
			t.Fatalf("aging ar %+v ap %+v", ar, ap)
		}
		// Forty days on, the supplier's bill is 10 days overdue, the
		// customer's 25.
		later := e.store.Now().AddDate(0, 0, 40)
		ar = must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{AsOf: &later})).Items.([]app.AgingRow)
		ap = must[*app.Report](t)(e.app.Report(e.admin, "ap-aging", app.ReportParams{AsOf: &later})).Items.([]app.AgingRow)
		if !ar[0].D1to30.Equal(d("1130")) || !ap[0].D1to30.Equal(d("630")) {
			t.Fatalf("aging later ar %+v ap %+v", ar, ap)
		}

		// As of a day before the payment the whole bill was open: move the
		// bill ten days back, and the allocation made today is undone.
		tenDaysAgo := e.store.Now().In(domain.Shanghai).AddDate(0, 0, -10).Format("2006-01-02")
		if err := e.store.DB().Exec("UPDATE open_items SET date = ?, due_date = ? WHERE doc_type = ?", tenDaysAgo, tenDaysAgo,
			domain.DocPurchaseReceipt).Error; err != nil {
			t.Fatal(err)
		}
		yesterday := app.EndOfDay(must[time.Time](t)(domain.ParseLocalDate("as_of", e.store.Now().In(domain.Shanghai).AddDate(0, 0, -1).Format("2006-01-02"))))
		ap = must[*app.Report](t)(e.app.Report(e.admin, "ap-aging", app.ReportParams{AsOf: &yesterday})).Items.([]app.AgingRow)
		if len(ap) != 1 || !ap[0].D1to30.Equal(d("1130")) || !ap[0].Total.Equal(d("1130")) {
			t.Fatalf("aging as of yesterday %+v", ap)
		}
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1130")}))
		bal, _ := e.books()
		wantBooks(t, bal, map[string]string{"1002": "630", "1122": "0", "1405": "500", "22210101": "130", "22210107": "130",
			"2202": "630", "5001": "1000", "5401": "500"})
		e.checkBooks()
		if ar = must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{})).Items.([]app.AgingRow); len(ar) != 0 {
			t.Fatalf("collected, still aging: %+v", ar)
		}
		// A prepayment: paid ahead, it stays unallocated and lowers the
		// balance; the next bill settles against it.
		pre := must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("100")}))
		if !pre.Unallocated.Equal(d("100")) {
			t.Fatalf("prepayment %+v", pre)
		}
		owed := must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{})).Items.([]app.AgingRow)
		if !owed[0].Unallocated.Equal(d("-100")) || !owed[0].Total.Equal(d("-100")) {
			t.Fatalf("prepayment aging %+v", owed)
		}
		// The advance is 预收账款, not a credit on 1122 (收款 template: Dr
		// 1002 / Cr 2203).
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1002": "730", "1122": "0", "2203": "100"})
		e.checkBooks()
		// The next shipment (5 @ 20 + 13% = 113) uses it up: 预收冲应收 Dr
		// 2203 100 / Cr 1122 100 beside the shipment's own voucher.
		so2 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("5"), UnitPrice: d("20")}))
		sh := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so2.ID, Lines: []domain.MoveLine{{LineID: so2.Lines[0].ID, Qty: d("5")}}}))
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1122": "13", "2203": "0", "5001": "1100"})
		vs := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.DocSalesShipment, SourceID: sh.ID}, app.ListParams{}))
		if len(vs.Items) != 2 || !vs.Items[1].Debit.Equal(d("100")) || !strings.HasPrefix(vs.Items[1].Remark, "预收冲应收") {
			t.Fatalf("vouchers of the shipment %+v", vs.Items)
		}
		e.checkBooks()
		// Explicit allocation: more than is open is refused on its field.
		_, err := e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("700"),
			Allocations: []app.AllocationInput{{OpenItemID: pay.ItemID - 1, Amount: d("700")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "allocations[0].amount" {
			t.Fatalf("field %s: %v", de.Field, err)
		}
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: cus.ID, Amount: d("1")})
		wantCode(t, err, domain.CodeValidation) // a customer is not paid
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("0")})
		wantCode(t, err, domain.CodeValidation)
		st := must[*app.Report](t)(e.app.Report(e.admin, "partner-statement", app.ReportParams{PartnerID: sup.ID}))
		if rows := st.Items.([]app.StatementRow); len(rows) != 3 || !rows[2].Balance.Equal(d("630")) {
			t.Fatalf("statement %+v", rows)
		}
		// Paying a supplier ahead is 预付账款 (Dr 1123 / Cr 1002), and a
		// money account that is not cash or bank is refused on its field.
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("630.50")}))
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"2202": "0", "1123": "0.5", "1002": "99.5"})
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1"), AccountID: ptr(codes["1122"].ID)})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "account_id" {
			t.Fatalf("field %s: %v", de.Field, err)
		}
		e.checkBooks()
		// 现金流量表 by hand: 收款 1,130 + 100 are 销售…收到的现金 (1,230), 付款
		// 500 + 630.50 购买…支付的现金 (1,130.50); then 50 of office costs paid
		// in cash and 200 drawn from the bank (a transfer, no flow): 现金净增加额
		// 49.50, 1002 at −100.50 and 1001 at 150.
		today := domain.LocalDate(e.store.Now())
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Date: today, Remark: "办公费", Lines: []app.VoucherLineInput{
			{AccountID: codes["5602"].ID, Debit: d("50")}, {AccountID: codes["1001"].ID, Credit: d("50")}}})
		if de := wantCode(t, err, domain.CodeCashFlowRequired); de.Field != "lines[1].cash_flow_item" {
			t.Fatalf("field %s: %v", de.Field, err)
		}
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: today, Remark: "办公费", Lines: []app.VoucherLineInput{
			{AccountID: codes["5602"].ID, Debit: d("50")}, {AccountID: codes["1001"].ID, Credit: d("50"), CashFlowItem: domain.CFOtherOperOut}}}))
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: today, Remark: "提现", Lines: []app.VoucherLineInput{
			{AccountID: codes["1001"].ID, Debit: d("200")}, {AccountID: codes["1002"].ID, Credit: d("200")}}}))
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1001": "150", "1002": "-100.5"})
		cf := must[*app.Report](t)(e.app.Report(e.admin, "cash-flow", app.ReportParams{}))
		got := map[int]string{}
		for _, r := range cf.Items.([]app.CashFlowRow) {
			if r.Line != nil {
				got[*r.Line] = r.Col2.String() + "/" + r.Col1.String()
			}
		}
		for line, w := range map[int]string{1: "1230/1230", 3: "1130.5/1130.5", 6: "50/50", 7: "49.5/49.5", 13: "0/0", 19: "0/0",
			20: "49.5/49.5", 21: "0/0", 22: "49.5/49.5"} {
			if got[line] != w {
				t.Errorf("现金流量表 line %d: %s, want %s", line, got[line], w)
			}
		}
		e.checkBooks()
	})
}

func stmt(t *testing.T, e *env, name string) (map[int]app.StatementLine, map[string]any) {
	t.Helper()
	r := must[*app.Report](t)(e.app.Report(e.admin, name, app.ReportParams{}))
	out := map[int]app.StatementLine{}
	for _, l := range r.Items.([]app.StatementLine) {
		out[l.Line] = l
	}
	return out, r.Summary
}

// Statements and month-end: the 利润表 and 资产负债表 of the hand-computed
// books, closing the month (profit to 3103, nothing dated in it afterwards),
// and reopening it.
func TestStatementsAndClosing(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("100")})
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("500")}))
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("50"), UnitPrice: d("20")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("50")}}}))
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1230")}))

		check := func(when string) {
			t.Helper()
			is, _ := stmt(t, e, "income-statement")
			for line, want := range map[int]string{1: "1000", 2: "500", 21: "500", 30: "500", 32: "500"} {
				if !is[line].Col2.Equal(d(want)) || !is[line].Col1.Equal(d(want)) {
					t.Fatalf("%s: 利润表 line %d = %s / %s, want %s", when, line, is[line].Col1, is[line].Col2, want)
				}
			}
			bs, sum := stmt(t, e, "balance-sheet")
			// The customer paid 100 ahead: 预收 100; cash 630 + 100.
			for line, want := range map[int]string{1: "730", 4: "0", 9: "500", 30: "1230", 33: "630", 34: "100", 36: "0",
				47: "730", 51: "500", 53: "1230"} {
				if !bs[line].Col1.Equal(d(want)) {
					t.Fatalf("%s: 资产负债表 line %d = %s, want %s", when, line, bs[line].Col1, want)
				}
			}
			if sum["balanced"] != true {
				t.Fatalf("%s: balance sheet does not balance", when)
			}
		}
		check("open")
		bank := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))["1002"]
		det := must[*app.Report](t)(e.app.Report(e.admin, "account-detail", app.ReportParams{AccountID: bank.ID})).Items.([]app.LedgerRow)
		if len(det) != 4 || !det[1].Credit.Equal(d("500")) || det[1].Side != "贷" || !det[3].Balance.Equal(d("730")) || det[3].Side != "借" {
			t.Fatalf("明细账 %+v", det)
		}
		gl := must[*app.Report](t)(e.app.Report(e.admin, "general-ledger", app.ReportParams{AccountID: bank.ID})).Items.([]app.LedgerRow)
		if last := gl[len(gl)-1]; !last.Debit.Equal(d("1230")) || !last.Credit.Equal(d("500")) || !last.Balance.Equal(d("730")) {
			t.Fatalf("总账 %+v", gl)
		}
		_, err := e.app.Report(e.admin, "account-detail", app.ReportParams{})
		wantCode(t, err, domain.CodeValidation)

		period := domain.PeriodOf(domain.LocalDate(e.store.Now()))
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, period, forced))
		// December also carries the year's profit from 3103 to 3104
		// (结转本年利润).
		vouchers, books := 1, map[string]string{"3103": "500", "3104": "0", "5001": "0", "5401": "0"}
		if strings.HasSuffix(period, "-12") {
			vouchers, books["3103"], books["3104"] = 2, "0", "500"
		}
		if !res.Profit.Equal(d("500")) || !res.VATDue.IsZero() || len(res.Vouchers) != vouchers {
			t.Fatalf("close %+v", res)
		}
		bal, _ := e.books()
		wantBooks(t, bal, books)
		check("closed") // the closing voucher is not activity
		e.checkBooks()
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1")})
		wantCode(t, err, domain.CodePeriodClosed)
		so2 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("20")}))
		_, err = e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so2.ID, Lines: []domain.MoveLine{{LineID: so2.Lines[0].ID, Qty: d("1")}}})
		wantCode(t, err, domain.CodePeriodClosed)
		e.checkLedger() // the refused shipment left no trace
		_, err = e.app.ClosePeriod(e.admin, period, forced)
		wantCode(t, err, domain.CodeInvalidState)
		// Nor can anything be dated before it, nor stock moved without a
		// voucher (a transfer).
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		lastMonth := e.store.Now().In(domain.Shanghai).AddDate(0, -1, 0).Format("2006-01") + "-15"
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Date: lastMonth, Lines: []app.VoucherLineInput{
			{AccountID: codes["1001"].ID, Debit: d("1"), CashFlowItem: domain.CFCapitalIn}, {AccountID: codes["3001"].ID, Credit: d("1")}}})
		wantCode(t, err, domain.CodePeriodClosed)
		wh2 := e.warehouse("W2", false)
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &wh2.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("1")}}}))
		_, err = e.app.PostTransfer(e.admin, tr.ID, tr.Version)
		wantCode(t, err, domain.CodePeriodClosed)
		_, err = e.app.ClosePeriod(e.admin, "2999-01", forced)
		wantCode(t, err, domain.CodeValidation)
		var snap int64
		e.store.DB().Table("period_stock").Where("period = ?", period).Count(&snap)
		if snap != 1 {
			t.Fatalf("stock snapshot rows %d", snap)
		}

		// Reopened (an administrator's act), the month takes postings again
		// and the closing voucher is gone, its number given back.
		must[*store.PeriodInfo](t)(e.app.ReopenPeriod(e.admin, period))
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"3103": "0", "5001": "1000"})
		m := must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1")}))
		vs := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.DocMoneyReceipt, SourceID: m.ID}, app.ListParams{}))
		if vs.Total != 1 || vs.Items[0].Seq != res.Vouchers[0].Seq {
			t.Fatalf("after reopening, the next voucher is %+v (closing was %s)", vs.Items, res.Vouchers[0].Number)
		}
		_, err = e.app.ReopenPeriod(e.admin, period)
		wantCode(t, err, domain.CodeInvalidState)
		fin := app.WithActor(context.Background(), &domain.User{ID: 99, Name: "会计", Roles: []domain.Role{domain.RoleFinance},
			Status: domain.UserActive, DataScope: domain.ScopeAll})
		_, err = e.app.ReopenPeriod(fin, period)
		wantCode(t, err, domain.CodeForbidden)
	})
}

// The stock as of a day after a closed month starts from that month's
// snapshot: the same answer as rolling today's balances back, without
// reading every move since.
func TestAsOfFromClosedMonthSnapshot(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("3")})
		sup := e.partner("S1", "supplier", "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("5"), UnitPrice: d("4")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("5")})
		po2 := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("5")}))
		e.receive(po2, domain.MoveLine{LineID: po2.Lines[0].ID, Qty: d("1")})
		// Move the history back: the opening into month P (two months ago),
		// the first receipt into the month after, the second stays today.
		monthStart := func(t time.Time) time.Time {
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, domain.Shanghai)
		}
		pStart := monthStart(e.store.Now().In(domain.Shanghai)).AddDate(0, -2, 0)
		pEnd := pStart.AddDate(0, 1, 0)
		db := e.store.DB()
		for doc, at := range map[string]time.Time{domain.DocOpening: pStart.AddDate(0, 0, 9), domain.DocPurchaseReceipt: pEnd.AddDate(0, 0, 4)} {
			q := db.Table("stock_moves").Where("doc_type = ?", doc)
			if doc == domain.DocPurchaseReceipt {
				q = q.Where("doc_number = (SELECT MIN(doc_number) FROM stock_moves WHERE doc_type = ?)", doc)
			}
			if err := q.Updates(map[string]any{"posted_at": at.UTC(), "biz_date": domain.LocalDate(at)}).Error; err != nil {
				t.Fatal(err)
			}
		}
		err := e.store.InTx(context.Background(), func(tx *store.Tx) error { return tx.SnapshotStock(pStart.Format("2006-01")) })
		if err != nil {
			t.Fatal(err)
		}
		asOf := app.EndOfDay(pEnd.AddDate(0, 0, 9))
		report := func() []store.InventoryRow {
			r := must[*app.Report](t)(e.app.Report(e.admin, "inventory-balance", app.ReportParams{AsOf: &asOf}))
			return r.Items.([]store.InventoryRow)
		}
		fromSnap := report()
		if len(fromSnap) != 1 || !fromSnap[0].OnHand.Equal(d("15")) || !fromSnap[0].Value.Equal(d("50")) {
			t.Fatalf("as of %s from the snapshot: %+v", asOf, fromSnap)
		}
		// It really is read from the snapshot (a changed snapshot shows).
		if err := db.Exec("UPDATE period_stock SET qty = qty + 1").Error; err != nil {
			t.Fatal(err)
		}
		if got := report(); !got[0].OnHand.Equal(d("16")) {
			t.Fatalf("snapshot not used: %+v", got)
		}
		if err := db.Exec("DELETE FROM period_stock").Error; err != nil {
			t.Fatal(err)
		}
		rolled := report()
		if len(rolled) != 1 || !rolled[0].OnHand.Equal(fromSnap[0].OnHand) || !rolled[0].Value.Equal(fromSnap[0].Value) {
			t.Fatalf("rolled back %+v, from the snapshot %+v", rolled, fromSnap)
		}
	})
}

// December's closing carries the year's profit to 未分配利润 and closes the
// other 利润分配 sub-accounts into it.
func TestYearEndClosing(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		line := func(code, dr, cr string) app.VoucherLineInput {
			l := app.VoucherLineInput{AccountID: codes[code].ID, Debit: d(dr), Credit: d(cr)}
			if domain.CashAccount(code) { // cash sales in, purchases out
				l.CashFlowItem = domain.CFSales
				if l.Debit.IsZero() {
					l.CashFlowItem = domain.CFPurchases
				}
			}
			return l
		}
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2025-12-10", Remark: "服务收入",
			Lines: []app.VoucherLineInput{line("1002", "1000", "0"), line("5001", "0", "1000")}}))
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2025-12-20", Remark: "提取盈余公积",
			Lines: []app.VoucherLineInput{line("310401", "100", "0"), line("3101", "0", "100")}}))
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2025-12", forced))
		if len(res.Vouchers) != 3 || !res.Profit.Equal(d("1000")) {
			t.Fatalf("year-end close %+v", res)
		}
		r := must[*app.Report](t)(e.app.Report(e.admin, "trial-balance", app.ReportParams{Period: "2025-12"}))
		got := map[string]domain.TrialBalanceRow{}
		for _, row := range r.Items.([]domain.TrialBalanceRow) {
			got[row.Code] = row
		}
		if !got["310409"].ClosingCredit.Equal(d("900")) || !got["3103"].ClosingCredit.IsZero() || !got["3103"].ClosingDebit.IsZero() ||
			!got["310401"].ClosingDebit.IsZero() || !got["5001"].ClosingCredit.IsZero() || r.Summary["balanced"] != true {
			t.Fatalf("after the year-end: %+v", got)
		}
		// A new year's month closes after it; the old year takes nothing more.
		_, err := e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2025-11-30", Lines: []app.VoucherLineInput{line("1002", "1", "0"), line("5001", "0", "1")}})
		wantCode(t, err, domain.CodePeriodClosed)
		_, err = e.app.ClosePeriod(e.admin, "2026-02", forced)
		wantCode(t, err, domain.CodeInvalidState) // 2026-01 first
		must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-01", forced))
		e.checkBooks()
	})
}

// Month-end VAT (财会[2016]22号): a balance payable moves to 未交增值税; VAT
// paid in advance beyond the month's tax moves there as 多交; input VAT
// carried forward (留抵) stays.
func TestMonthEndVAT(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		line := func(code, dr, cr string) app.VoucherLineInput {
			l := app.VoucherLineInput{AccountID: codes[code].ID, Debit: d(dr), Credit: d(cr)}
			if domain.CashAccount(code) { // cash sales in, purchases out
				l.CashFlowItem = domain.CFSales
				if l.Debit.IsZero() {
					l.CashFlowItem = domain.CFPurchases
				}
			}
			return l
		}
		voucher := func(date string, lines ...app.VoucherLineInput) {
			t.Helper()
			must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: date, Lines: lines}))
		}
		tb := func(period string) map[string]domain.TrialBalanceRow {
			t.Helper()
			r := must[*app.Report](t)(e.app.Report(e.admin, "trial-balance", app.ReportParams{Period: period}))
			got := map[string]domain.TrialBalanceRow{}
			for _, row := range r.Items.([]domain.TrialBalanceRow) {
				got[row.Code] = row
			}
			return got
		}
		// October: 销项 130, 进项 50: 80 payable.
		voucher("2025-10-10", line("1002", "1130", "0"), line("5001", "0", "1000"), line("22210107", "0", "130"))
		voucher("2025-10-12", line("22210101", "50", "0"), line("1002", "0", "50"))
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2025-10", forced))
		if !res.VATDue.Equal(d("80")) || !res.VATOverpaid.IsZero() {
			t.Fatalf("October %+v", res)
		}
		// November: 100 paid in advance (已交税金) on a month that owes 35
		// (销项 65 − 进项 30): 65 overpaid moves to 未交增值税.
		voucher("2025-11-05", line("22210103", "100", "0"), line("1002", "0", "100"))
		voucher("2025-11-10", line("1002", "565", "0"), line("5001", "0", "500"), line("22210107", "0", "65"))
		voucher("2025-11-12", line("22210101", "30", "0"), line("1002", "0", "30"))
		res = must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2025-11", forced))
		if !res.VATDue.IsZero() || !res.VATOverpaid.Equal(d("65")) {
			t.Fatalf("November %+v", res)
		}
		got := tb("2025-11")
		if !got["222102"].ClosingCredit.Equal(d("15")) || !got["22210110"].PeriodCredit.Equal(d("65")) ||
			!got["222101"].ClosingDebit.IsZero() || !got["222101"].ClosingCredit.IsZero() {
			t.Fatalf("after November: 222102 %+v 22210110 %+v 222101 %+v", got["222102"], got["22210110"], got["222101"])
		}
		// December: only 进项 40, nothing paid: a 留抵 credit that stays.
		voucher("2025-12-03", line("22210101", "40", "0"), line("1002", "0", "40"))
		res = must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2025-12", forced))
		if !res.VATDue.IsZero() || !res.VATOverpaid.IsZero() {
			t.Fatalf("December %+v", res)
		}
		if got = tb("2025-12"); !got["222101"].ClosingDebit.Equal(d("40")) || !got["222102"].ClosingCredit.Equal(d("15")) {
			t.Fatalf("after December: 222101 %+v 222102 %+v", got["222101"], got["222102"])
		}
		e.checkBooks()
	})
}

// Receipts and payments booked before the money templates left their
// advances in 1122 and 2202; the upgrade moves them to 2203 and 1123 with
// one adjusting voucher, and the books agree with the sub-ledgers again.
func TestMoneyTemplatesMigrationReclassifiesAdvances(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("10")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("10")}) // AP 113
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("200")}))
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("300")}))
		live, _ := e.books()
		wantBooks(t, live, map[string]string{"2202": "0", "1123": "87", "1122": "0", "2203": "300", "1002": "100"})

		// As the books were before the templates: advances on 1122 and 2202.
		db := e.store.DB()
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE voucher_lines SET account_id = ? WHERE account_id = ?", []any{codes["1122"].ID, codes["2203"].ID}},
			{"UPDATE voucher_lines SET account_id = ? WHERE account_id = ?", []any{codes["2202"].ID, codes["1123"].ID}},
			{"DELETE FROM voucher_templates WHERE event IN ?", []any{[]string{"money_receipt", "money_payment", "advance_applied", "prepayment_applied"}}},
			{"DELETE FROM schema_migrations WHERE id = ?", []any{"202611240013_money_templates"}},
		} {
			if err := db.Exec(stmt.sql, stmt.args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := store.RebuildPeriodTotals(db); err != nil {
			t.Fatal(err)
		}
		old, _ := e.books()
		wantBooks(t, old, map[string]string{"2202": "-87", "1123": "0", "1122": "-300", "2203": "0"})
		if err := e.store.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		back, _ := e.books()
		for code, v := range live {
			if !back[code].Equal(v) {
				t.Errorf("account %s: after the upgrade %s, live %s", code, back[code], v)
			}
		}
		adj := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.VoucherAdjust}, app.ListParams{}))
		if len(adj.Items) != 1 || !adj.Items[0].Debit.Equal(d("387")) {
			t.Fatalf("adjusting vouchers %+v", adj.Items)
		}
		if len(must[map[string]domain.VoucherTemplate](t)(store.Templates(e.store.Read(context.Background())))) != len(domain.StandardTemplates()) {
			t.Fatal("the money templates were not seeded")
		}
		e.checkBooks()
		// Migrating again changes nothing, even as if the process had died
		// before the migration was recorded.
		if err := db.Exec("DELETE FROM schema_migrations WHERE id = ?", "202611240013_money_templates").Error; err != nil {
			t.Fatal(err)
		}
		if err := e.store.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		adj = must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: domain.VoucherAdjust}, app.ListParams{}))
		if len(adj.Items) != 1 {
			t.Fatalf("adjusting vouchers after a second migrate %+v", adj.Items)
		}
	})
}

// A firm with several bank accounts keeps one 1002 sub-account each: money
// documents name theirs, the 收款 template's cash line is only the default,
// and money templates take money amounts only.
func TestMoneyTemplatesAndBankAccounts(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cus := e.partner("C1", "customer", "0")
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		icbc := must[*domain.Account](t)(e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(codes["1002"].ID), Code: ptr("100201"), Name: ptr("工商银行")}))
		_, err := e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("10")})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "account_id" {
			t.Fatalf("a receipt into 1002 with sub-accounts: field %s: %v", de.Field, err)
		}
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("10"), AccountID: &icbc.ID}))

		ts := must[map[string]domain.VoucherTemplate](t)(store.Templates(e.store.Read(context.Background())))
		rt := ts[domain.EventMoneyReceipt]
		bad := append([]domain.TemplateLine{}, rt.Lines...)
		bad[0].Account = "1122" // cash line off cash
		_, err = e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: bad, Version: rt.Version})
		wantCode(t, err, domain.CodeValidation)
		bad = append([]domain.TemplateLine{}, rt.Lines...)
		bad[2].Amount = domain.AmtTax // a posting's amount in a money template
		_, err = e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: bad, Version: rt.Version})
		wantCode(t, err, domain.CodeValidation)
		bad = append([]domain.TemplateLine{}, rt.Lines...)
		bad[0].Account = "100201"
		bad[2].Side = domain.Debit
		_, err = e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: bad, Version: rt.Version})
		wantCode(t, err, domain.CodeUnbalancedVoucher)
		// The cash line's default must take postings (1002 now has a
		// sub-account), and the advance stays on 2203: closing compares it
		// with the unused receipts.
		_, err = e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: rt.Lines, Version: rt.Version})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[0].account" {
			t.Fatalf("non-leaf cash default: %v", err)
		}
		bad = append([]domain.TemplateLine{}, rt.Lines...)
		bad[0].Account, bad[2].Account = "100201", "2241"
		_, err = e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: bad, Version: rt.Version})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines" {
			t.Fatalf("advance off 2203: %v", err)
		}
		// Using an advance moves no money.
		at := ts[domain.EventAdvanceApplied]
		bad = append([]domain.TemplateLine{}, at.Lines...)
		bad = append(bad, domain.TemplateLine{Account: "100201", Side: domain.Debit, Amount: domain.AmtMoney},
			domain.TemplateLine{Account: "5301", Side: domain.Credit, Amount: domain.AmtMoney})
		_, err = e.app.UpdateTemplate(e.admin, at.Event, app.TemplateInput{Lines: bad, Version: at.Version})
		wantCode(t, err, domain.CodeValidation)
		// Nor may a sales template book its receivable elsewhere.
		st := ts[domain.EventSalesShipment]
		bad = append([]domain.TemplateLine{}, st.Lines...)
		bad[0].Account = "1121"
		_, err = e.app.UpdateTemplate(e.admin, st.Event, app.TemplateInput{Lines: bad, Version: st.Version})
		wantCode(t, err, domain.CodeValidation)
		// Manual vouchers stay off the controlled accounts, and money is
		// not received tomorrow.
		_, err = e.app.CreateVoucher(e.admin, app.VoucherInput{Lines: []app.VoucherLineInput{
			{AccountID: codes["1122"].ID, Debit: d("1"), PartnerID: &cus.ID}, {AccountID: codes["5001"].ID, Credit: d("1")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[0].account_id" {
			t.Fatalf("a manual line on 1122: %v", err)
		}
		tomorrow := e.store.Now().In(domain.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
		_, err = e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("1"), AccountID: &icbc.ID, Date: tomorrow})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "date" {
			t.Fatalf("a receipt dated tomorrow: %v", err)
		}
		// Receipts default to the ICBC account once the template says so.
		good := append([]domain.TemplateLine{}, rt.Lines...)
		good[0].Account = "100201"
		must[*domain.VoucherTemplate](t)(e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: good, Version: rt.Version}))
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("5")}))
		bal, _ := e.books()
		wantBooks(t, bal, map[string]string{"100201": "15", "2203": "15", "1002": "15"})
		e.checkBooks()
	})
}

// With receivables and payables at the invoice (finance.bill_at =
// invoice), by hand: receive 100 @ 10 (暂估 1,000, no VAT), ship 50 @ 20
// (revenue 1,000, no VAT), take 10 back, collect 100 ahead; then the
// supplier's invoice (进项 130, AP 1,130) and ours (销项 104 net of the
// return, AR 904 less the advance), and a red invoice for a later return.
func TestBillingAtInvoice(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		sup := must[*domain.Partner](t)(e.app.Catalog().Partners.Create(e.admin, app.PartnerInput{Code: ptr("S1"), Name: ptr("供应商"),
			Type: ptr(domain.PartnerSupplier), PaymentTermsDays: ptr(30)}))
		cus := must[*domain.Partner](t)(e.app.Catalog().Partners.Create(e.admin, app.PartnerInput{Code: ptr("C1"), Name: ptr("客户"),
			Type: ptr(domain.PartnerCustomer), PaymentTermsDays: ptr(15), CreditLimit: ptr(d("2000"))}))
		// A shipment billed before the switch: its return is billed with it.
		e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("10")})
		so0 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("20")}))
		sh0 := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so0.ID, Lines: []domain.MoveLine{{LineID: so0.Lines[0].ID, Qty: d("1")}}}))
		e.billAt(domain.BillAtInvoice)
		r0 := must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: sh0.ID, Lines: []domain.MoveLine{{LineID: sh0.Lines[0].ID, Qty: d("1")}}}))
		if r0.InvoiceStatus != "" {
			t.Fatalf("the return of a billed shipment waits for an invoice: %+v", r0)
		}
		bal, _ := e.books()
		wantBooks(t, bal, map[string]string{"1122": "0", "5001": "0", "22210107": "0"})

		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}))
		gr := e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("100")})
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("50"), UnitPrice: d("20")}))
		sh := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("50")}}}))
		ret := must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: sh.ID, Lines: []domain.MoveLine{{LineID: sh.Lines[0].ID, Qty: d("10")}}}))
		if gr.InvoiceStatus != domain.InvoicePending || sh.InvoiceStatus != domain.InvoicePending || ret.InvoiceStatus != domain.InvoicePending {
			t.Fatalf("waiting: %s %s %s", gr.InvoiceStatus, sh.InvoiceStatus, ret.InvoiceStatus)
		}
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("100")}))
		// Goods at cost, no VAT, no open items: 暂估 1,000; revenue 800;
		// stock 100 + 1,000 − 500 + 100 at the moving average of 10.
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1405": "700", "2202": "1000", "22210101": "0", "1122": "800", "5001": "800",
			"22210107": "0", "5401": "400", "2203": "100"})
		e.checkBooks()
		ar := must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{})).Items.([]app.AgingRow)
		if len(ar) != 1 || !ar[0].Uninvoiced.Equal(d("904")) || !ar[0].Unallocated.Equal(d("-100")) || !ar[0].Total.Equal(d("804")) {
			t.Fatalf("aging before the invoice %+v", ar)
		}
		// Credit counts what was shipped and not yet invoiced: 904 − 100
		// owed, so 1,300 more is over the 2,000 limit.
		over := e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("1200")})
		_, err := e.app.SubmitOrder(e.admin, over.Type, over.ID, 0)
		wantCode(t, err, "credit_limit_exceeded")

		// Refusals: nothing waiting, someone else's document, a date before
		// the goods, a bad number.
		_, err = e.app.CreateInvoice(e.admin, domain.DocPurchaseInvoice, app.InvoiceInput{PartnerID: sup.ID, InvoiceNo: "1", DocIDs: []int64{sh.ID}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "doc_ids[0]" {
			t.Fatalf("a shipment on a purchase invoice: %v", err)
		}
		_, err = e.app.CreateInvoice(e.admin, domain.DocSalesInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "1", DocIDs: []int64{r0.ID}})
		wantCode(t, err, domain.CodeValidation)
		_, err = e.app.CreateInvoice(e.admin, domain.DocPurchaseInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "1", DocIDs: []int64{gr.ID}})
		wantCode(t, err, domain.CodeValidation)
		yesterday := e.store.Now().In(domain.Shanghai).AddDate(0, 0, -1).Format("2006-01-02")
		_, err = e.app.CreateInvoice(e.admin, domain.DocPurchaseInvoice, app.InvoiceInput{PartnerID: sup.ID, InvoiceNo: "1", Date: yesterday, DocIDs: []int64{gr.ID}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "date" {
			t.Fatalf("an invoice before the goods: %v", err)
		}
		_, err = e.app.CreateInvoice(e.admin, domain.DocPurchaseInvoice, app.InvoiceInput{PartnerID: sup.ID, InvoiceNo: "12 34", DocIDs: []int64{gr.ID}})
		wantCode(t, err, domain.CodeValidation)
		tomorrow := e.store.Now().In(domain.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
		_, err = e.app.CreateInvoice(e.admin, domain.DocPurchaseInvoice, app.InvoiceInput{PartnerID: sup.ID, InvoiceNo: "1", Date: tomorrow, DocIDs: []int64{gr.ID}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "date" {
			t.Fatalf("an invoice dated tomorrow: %v", err)
		}

		// The supplier's invoice: 进项 130, AP 1,130 due in 30 days.
		pinv := must[*domain.Invoice](t)(e.app.CreateInvoice(e.admin, domain.DocPurchaseInvoice, app.InvoiceInput{PartnerID: sup.ID, InvoiceNo: "04400001", DocIDs: []int64{gr.ID}}))
		if !pinv.Total.Equal(d("1130")) || !pinv.Tax.Equal(d("130")) || len(pinv.Lines) != 1 || !strings.HasPrefix(pinv.Number, "SP") {
			t.Fatalf("purchase invoice %+v", pinv)
		}
		ap := must[*app.Report](t)(e.app.Report(e.admin, "ap-aging", app.ReportParams{})).Items.([]app.AgingRow)
		if len(ap) != 1 || !ap[0].NotDue.Equal(d("1130")) || !ap[0].Uninvoiced.IsZero() {
			t.Fatalf("ap aging after the invoice %+v", ap)
		}
		// Ours: shipment less return = 904 (销项 104), settled 100 by the advance.
		sinv := must[*domain.Invoice](t)(e.app.CreateInvoice(e.admin, domain.DocSalesInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "24000000000000000001",
			DocIDs: []int64{sh.ID, ret.ID}}))
		if !sinv.Total.Equal(d("904")) || !sinv.Tax.Equal(d("104")) || !sinv.Amount.Equal(d("800")) {
			t.Fatalf("sales invoice %+v", sinv)
		}
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1405": "700", "2202": "1130", "22210101": "130", "1122": "804", "5001": "800",
			"22210107": "104", "2203": "0"})
		e.checkBooks()
		if got := must[[]domain.StockDoc](t)(e.app.PendingInvoiceDocs(e.admin, domain.DocSalesInvoice, cus.ID)); len(got) != 0 {
			t.Fatalf("still waiting %+v", got)
		}
		_, err = e.app.CreateInvoice(e.admin, domain.DocSalesInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "2", DocIDs: []int64{sh.ID}})
		wantCode(t, err, domain.CodeValidation) // invoiced once

		// A return after the invoice waits for a red invoice (红字发票): −113.
		ret2 := must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: sh.ID, Lines: []domain.MoveLine{{LineID: sh.Lines[0].ID, Qty: d("5")}}}))
		_, err = e.app.CreateInvoice(e.admin, domain.DocSalesInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "24000000000000000001", DocIDs: []int64{ret2.ID}})
		if de := wantCode(t, err, domain.CodeDuplicate); de.Field != "invoice_no" {
			t.Fatalf("a number used twice: %v", err)
		}
		red := must[*domain.Invoice](t)(e.app.CreateInvoice(e.admin, domain.DocSalesInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "24000000000000000002", DocIDs: []int64{ret2.ID}}))
		if !red.Total.Equal(d("-113")) {
			t.Fatalf("red invoice %+v", red)
		}
		bal, _ = e.books()
		wantBooks(t, bal, map[string]string{"1122": "691", "5001": "700", "22210107": "91", "1405": "750"})
		ar = must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{})).Items.([]app.AgingRow)
		if len(ar) != 1 || !ar[0].NotDue.Equal(d("691")) || !ar[0].Uninvoiced.IsZero() || !ar[0].Total.Equal(d("691")) {
			t.Fatalf("aging after the red invoice %+v", ar)
		}
		e.checkBooks()
		// Goods shipped and returned in full net to zero: the invoice closes
		// both and raises nothing.
		so4 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("2"), UnitPrice: d("20")}))
		sh4 := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so4.ID, Lines: []domain.MoveLine{{LineID: so4.Lines[0].ID, Qty: d("2")}}}))
		r4 := must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: sh4.ID, Lines: []domain.MoveLine{{LineID: sh4.Lines[0].ID, Qty: d("2")}}}))
		zero := must[*domain.Invoice](t)(e.app.CreateInvoice(e.admin, domain.DocSalesInvoice, app.InvoiceInput{PartnerID: cus.ID, InvoiceNo: "24000000000000000003", DocIDs: []int64{sh4.ID, r4.ID}}))
		if !zero.Total.IsZero() || zero.ItemID != 0 {
			t.Fatalf("zero invoice %+v", zero)
		}
		e.checkBooks()
		// The month closes with documents still waiting: 1122 + 2203
		// agree with the items plus what waits.
		so3 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("20")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so3.ID, Lines: []domain.MoveLine{{LineID: so3.Lines[0].ID, Qty: d("1")}}}))
		must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, domain.PeriodOf(domain.LocalDate(e.store.Now())), forced))
		e.checkBooks()
	})
}

// A database from before cash-flow items: the migration adds the column
// and gives the cash lines booked earlier their items from their
// counter-accounts, so 现金流量表 ties out from the first month; until then
// the books check names the month that does not.
func TestCashFlowMigrationFillsItems(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("300")}))
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("120")}))
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		today := domain.LocalDate(e.store.Now())
		manual := func(dr, cr string, item int, amt string) {
			l := []app.VoucherLineInput{{AccountID: codes[dr].ID, Debit: d(amt)}, {AccountID: codes[cr].ID, Credit: d(amt)}}
			if domain.CashAccount(dr) {
				l[0].CashFlowItem = item
			} else {
				l[1].CashFlowItem = item
			}
			if domain.CashAccount(dr) && domain.CashAccount(cr) {
				l[0].CashFlowItem = 0
			}
			must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: today, Remark: "x", Lines: l}))
		}
		manual("1002", "2001", domain.CFBorrowed, "1000") // 借款
		manual("5602", "1002", domain.CFOtherOperOut, "40")
		manual("1001", "1002", 0, "25") // 提现
		want := map[string]int{}
		var lines []struct {
			ID           int64
			AccountID    int64
			CashFlowItem int
		}
		db := e.store.DB()
		if err := db.Table("voucher_lines").Select("id, account_id, cash_flow_item").Order("id").Scan(&lines).Error; err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			want[fmt.Sprint(l.ID)] = l.CashFlowItem
		}
		e.checkBooks()

		// As it was before: no column, no index, the migration not run.
		if err := db.Migrator().DropIndex("voucher_lines", "idx_vline_cashflow"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("ALTER TABLE voucher_lines DROP COLUMN cash_flow_item").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("DELETE FROM schema_migrations WHERE id = ?", "202612070200_cashflow_items").Error; err != nil {
			t.Fatal(err)
		}
		if err := e.store.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := db.Table("voucher_lines").Select("id, account_id, cash_flow_item").Order("id").Scan(&lines).Error; err != nil {
			t.Fatal(err)
		}
		items := 0
		for _, l := range lines {
			if l.CashFlowItem != want[fmt.Sprint(l.ID)] {
				t.Errorf("line %d (account %d): item %d after the upgrade, %d when booked", l.ID, l.AccountID, l.CashFlowItem, want[fmt.Sprint(l.ID)])
			}
			if l.CashFlowItem != 0 {
				items++
			}
		}
		if items != 4 {
			t.Fatalf("%d lines with items, want receipt, payment, loan and expense", items)
		}
		e.checkBooks()

		// A cash line that lost its item (not a transfer) fails the books
		// check on its month: 300 − 120 − 40 of items against 1,140 of cash.
		if err := db.Exec("UPDATE voucher_lines SET cash_flow_item = 0 WHERE cash_flow_item = ?", domain.CFBorrowed).Error; err != nil {
			t.Fatal(err)
		}
		err := e.app.CheckBooks(e.admin)
		if de := wantCode(t, err, domain.CodeLedgerCheckFailed); !strings.Contains(de.Message, domain.PeriodOf(today)+" 现金流量表现金净增加额 140.00 与货币资金变动 1140.00") {
			t.Fatalf("books check: %v", err)
		}
	})
}

// forced closes a month before its last day has passed (提前结账): the
// tests close the month they run in.
var forced = app.CloseInput{Force: true, Reason: "测试：提前结账"}
