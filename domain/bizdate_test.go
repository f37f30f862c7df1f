package domain

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestCheckBizDate(t *testing.T) {
	cases := []struct {
		name, date, today string
		closed            bool
		ok                bool
	}{
		{"today", "2026-11-30", "2026-11-30", false, true},
		{"earlier", "2026-10-01", "2026-11-30", false, true},
		{"tomorrow, month open", "2026-12-01", "2026-11-30", false, false},
		{"next month, month closed early", "2026-12-01", "2026-11-30", true, true},
		{"next month end, month closed early", "2026-12-31", "2026-11-08", true, true},
		{"two months on, month closed", "2027-01-01", "2026-11-30", true, false},
		// Allowed here: the closed month itself refuses it under its lock
		// (period_closed), not this rule.
		{"later this month, month closed", "2026-11-30", "2026-11-08", true, true},
		{"not a date", "2026-13-01", "2026-11-30", false, false},
		{"wrong shape", "2026/11/01", "2026-11-30", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckBizDate("biz_date", c.date, c.today, c.closed)
			if (err == nil) != c.ok {
				t.Fatalf("CheckBizDate(%s, %s, %v) = %v, want ok=%v", c.date, c.today, c.closed, err, c.ok)
			}
			if err != nil {
				if e := AsError(err); e == nil || e.Field != "biz_date" || e.Kind != KindInvalid {
					t.Fatalf("error %v: want a validation error on biz_date", err)
				}
			}
		})
	}
	if got := BizDateOr("", "2026-11-30"); got != "2026-11-30" {
		t.Fatalf("default %s", got)
	}
	if got := BizDateOr("2026-11-02", "2026-11-30"); got != "2026-11-02" {
		t.Fatalf("given %s", got)
	}
}

func TestCheckCloseTime(t *testing.T) {
	cases := []struct {
		name, period, today string
		force               bool
		reason              string
		early               bool
		code, field         string
	}{
		{"after the last day", "2026-11", "2026-12-01", false, "", false, "", ""},
		{"long after", "2026-01", "2026-12-01", false, "", false, "", ""},
		{"on the last day", "2026-11", "2026-11-30", false, "", true, CodeCloseEarly, "force"},
		{"on the 8th", "2026-11", "2026-11-08", false, "", true, CodeCloseEarly, "force"},
		{"forced without reason", "2026-11", "2026-11-08", true, "  ", true, CodeValidation, "reason"},
		{"forced with reason", "2026-11", "2026-11-30", true, "月末盘点已完成", true, "", ""},
		{"force ignored after the end", "2026-11", "2026-12-02", true, "", false, "", ""},
		{"February, leap year", "2028-02", "2028-02-29", false, "", true, CodeCloseEarly, "force"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reason, early, err := CheckCloseTime(c.period, c.today, c.force, c.reason)
			if early != c.early {
				t.Fatalf("early = %v, want %v", early, c.early)
			}
			if c.code == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				if c.force && c.early && reason != c.reason {
					t.Fatalf("reason %q", reason)
				}
				return
			}
			e := AsError(err)
			if e == nil || e.Code != c.code || e.Field != c.field {
				t.Fatalf("got %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
	long := make([]rune, MaxCloseReason+1)
	for i := range long {
		long[i] = '因'
	}
	if _, _, err := CheckCloseTime("2026-11", "2026-11-08", true, string(long)); AsError(err) == nil || AsError(err).Field != "reason" {
		t.Fatalf("a long reason: %v", err)
	}
}

func TestBuildChecklist(t *testing.T) {
	booksErr := Errorf(KindConflict, CodeLedgerCheckFailed, "1405 与库存不符")
	unreviewed := ChecklistItem{Code: "unreviewed_vouchers", Title: "未审核凭证", Level: CheckBlock, Count: 2, Message: "2 张凭证未审核"}
	cases := []struct {
		name     string
		today    string
		facts    ChecklistFacts
		early    bool
		blocking []string
		vat      string
	}{
		{"clean month after its end", "2026-12-01", ChecklistFacts{VATDue: decimal.RequireFromString("130.00")}, false, nil, "应交增值税 130.00"},
		{"clean month on its last day", "2026-11-30", ChecklistFacts{}, true, nil, "无应交增值税"},
		{"drafts block", "2026-12-01", ChecklistFacts{Drafts: []DraftCount{{DocTransfer, 2}, {DocStocktake, 0}, {DocStocktake, 1}}}, false, []string{CheckDrafts}, "无应交"},
		{"pending approvals only warn", "2026-12-01", ChecklistFacts{PendingApprovals: 3}, false, nil, "无应交"},
		{"negative stock and books block", "2026-12-01", ChecklistFacts{NegativeStock: []string{"P1 @ 主仓 -2"}, Books: booksErr,
			VATOverpaid: decimal.RequireFromString("5")}, false, []string{CheckNegativeStock, CheckBooks}, "多交增值税 5.00"},
		{"an extension item blocks", "2026-12-01", ChecklistFacts{Extra: []ChecklistItem{unreviewed}}, false, []string{"unreviewed_vouchers"}, "无应交"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := BuildChecklist("2026-11", c.today, c.facts)
			if cl.Early != c.early || cl.LastDay != "2026-11-30" {
				t.Fatalf("early %v last %s", cl.Early, cl.LastDay)
			}
			if len(cl.Blocking) != len(c.blocking) {
				t.Fatalf("blocking %v, want %v", cl.Blocking, c.blocking)
			}
			for i := range c.blocking {
				if cl.Blocking[i] != c.blocking[i] {
					t.Fatalf("blocking %v, want %v", cl.Blocking, c.blocking)
				}
			}
			var vat *ChecklistItem
			for i := range cl.Items {
				if cl.Items[i].Code == CheckVAT {
					vat = &cl.Items[i]
				}
			}
			if vat == nil || !strings.Contains(vat.Message, c.vat) {
				t.Fatalf("vat item %+v, want %q", vat, c.vat)
			}
			err := cl.Check()
			if len(c.blocking) == 0 {
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return
			}
			e := AsError(err)
			if e == nil || e.Code != CodeClosingBlocked || e.Kind != KindConflict {
				t.Fatalf("check: %v", err)
			}
			items, _ := e.Details["items"].([]string)
			if len(items) != len(c.blocking) || items[0] != c.blocking[0] {
				t.Fatalf("details %v", e.Details)
			}
			for _, it := range cl.Items {
				if it.Level == CheckBlock && !strings.Contains(e.Message, it.Title) {
					t.Fatalf("message %q does not name %s", e.Message, it.Title)
				}
			}
		})
	}
	cl := BuildChecklist("2026-11", "2026-12-01", ChecklistFacts{Drafts: []DraftCount{{DocTransfer, 2}}, Books: errors.New("boom")})
	if cl.Items[1].Count != 2 || len(cl.Items[1].Details) != 1 {
		t.Fatalf("drafts item %+v", cl.Items[1])
	}
}
