package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// The DingTalk flows end to end: erpd as production wires it, holding a
// stream connection through the official SDK over a real websocket to a
// sandbox that speaks DingTalk's protocol, with the demo company's data.

type dtEnv struct {
	m   *Main
	sb  *sandbox.Sandbox
	ctx context.Context
}

// runWithDingTalk starts a sandbox with the demo org (on a random port,
// events redelivered quickly) and erpd pointed at it, seeds the demo
// company, and waits for the stream connection.
func runWithDingTalk(t testing.TB, driver string, opts sandbox.Options, extraEnv ...string) *dtEnv {
	t.Helper()
	m0 := &Main{}
	url, err := m0.startSandbox()
	if err != nil {
		t.Fatal(err)
	}
	sb := m0.Sandbox
	t.Cleanup(func() { m0.sandbox.Close() })
	sb.SetRevokeDelay(opts.RevokeDelay)
	sb.SetRedeliver(300 * time.Millisecond)
	env := map[string]string{
		"ERP_HTTP_ADDR": "127.0.0.1:0", "ERP_DATA_DIR": t.TempDir(), "ERP_ADMIN_PASSWORD": "Start-pass-2026", "ERP_AUTH_TOTP_REQUIRED_ROLES": "none",
		"ERP_LOG_LEVEL": "error", "ERP_DATABASE_DRIVER": driver, "ERP_DINGTALK_SYNC_INTERVAL": "0",
		"ERP_METRICS_TOKEN": "dingtalk-test-metrics-token",
	}
	for k, v := range demoDingTalkEnv(url) {
		env[k] = v
	}
	if driver == store.DriverMySQL {
		env["ERP_DATABASE_DSN"] = storetest.DSN(t, driver).DSN
		env["ERP_REDIS_ADDR"] = storetest.RedisAddr()
		env["ERP_REDIS_PREFIX"] = storetest.RedisPrefix(t, "erpddt")
	}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	m := NewMain()
	m.Out = &bytes.Buffer{}
	m.OutboxRetryBase, m.OutboxRetryMax = 100*time.Millisecond, 400*time.Millisecond
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := SeedDemo(ctx, m.App, m.Store); err != nil {
		t.Fatal(err)
	}
	e := &dtEnv{m: m, sb: sb, ctx: ctx}
	e.waitFor(t, "stream connection", func() bool { return sb.Connections() > 0 })
	return e
}

// waitFor polls cond for up to 20 s.
func (e *dtEnv) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// as returns ctx acting as the ERP user with username.
func (e *dtEnv) as(t testing.TB, username string) context.Context {
	t.Helper()
	u, err := store.Users.ByUsername(e.m.Store.Read(e.ctx), username)
	if err != nil {
		t.Fatal(err)
	}
	return app.WithActor(e.ctx, u)
}

func (e *dtEnv) userID(t *testing.T, username string) int64 {
	t.Helper()
	return app.Actor(e.as(t, username)).ID
}

// product returns the id and SKU of the n-th demo product.
func (e *dtEnv) product(t testing.TB, n int) domain.Product {
	t.Helper()
	l, err := e.m.App.Catalog().Products.List(e.as(t, "admin"), app.ListParams{PageSize: 50, Sort: "id"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l.Items[n]
}

func (e *dtEnv) partner(t *testing.T, code string) int64 {
	t.Helper()
	l, err := e.m.App.Catalog().Partners.List(e.as(t, "admin"), app.ListParams{PageSize: 50}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Items {
		if p.Code == code {
			return p.ID
		}
	}
	t.Fatalf("no partner %s", code)
	return 0
}

func (e *dtEnv) warehouse(t *testing.T) int64 {
	t.Helper()
	l, err := e.m.App.Catalog().Warehouses.List(e.as(t, "admin"), app.ListParams{PageSize: 5, Sort: "id"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l.Items[0].ID
}

// submitPO creates and submits a purchase order as caigou large enough to
// need the manager (the demo's rule: from ¥10,000).
func (e *dtEnv) submitPO(t *testing.T, qty string) *domain.Order {
	t.Helper()
	ctx := e.as(t, "caigou")
	wh := e.warehouse(t)
	pid, sup := e.product(t, 2).ID, e.partner(t, "S001")
	lines := []app.OrderLineInput{{ProductID: pid, Qty: decimal.RequireFromString(qty), UnitPrice: decimal.RequireFromString("2.00")}}
	o, err := e.m.App.CreateOrder(ctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup, WarehouseID: &wh, Lines: &lines})
	if err != nil {
		t.Fatal(err)
	}
	if o, err = e.m.App.SubmitOrder(ctx, domain.DocPurchaseOrder, o.ID, 0); err != nil {
		t.Fatal(err)
	}
	if o.Status != domain.OrderPending {
		t.Fatalf("submitted PO is %s, want pending approval", o.Status)
	}
	return o
}

func (e *dtEnv) order(t *testing.T, typ string, id int64) *app.OrderView {
	t.Helper()
	v, err := e.m.App.GetOrder(e.as(t, "admin"), typ, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// instanceOf waits for the OA instance whose form carries number.
func (e *dtEnv) instanceOf(t *testing.T, number string) sandbox.Instance {
	t.Helper()
	var found sandbox.Instance
	e.waitFor(t, "OA instance of "+number, func() bool {
		for _, in := range e.sb.Instances("") {
			for _, f := range in.Form {
				if f.Name == "单据编号" && f.Value == number {
					found = in
					return true
				}
			}
		}
		return false
	})
	return found
}

func (e *dtEnv) notices(userID, contains string) int {
	n := 0
	for _, m := range e.sb.Messages(userID, "work_notice") {
		if strings.Contains(m.Title+m.Text, contains) {
			n++
		}
	}
	return n
}

func TestOAApprovalRoundTrip(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		// Approve: PO submit → instance (originator 王采购, form summarising
		// the order) → 陈经理 agrees in DingTalk → event → PO approved →
		// the originator notified.
		po := e.submitPO(t, "6000")
		inst := e.instanceOf(t, po.Number)
		if inst.Originator != "ding_caigou" || inst.ProcessCode != DemoProcessPurchase || inst.Status != "RUNNING" {
			t.Fatalf("instance %+v", inst)
		}
		form := map[string]string{}
		for _, f := range inst.Form {
			form[f.Name] = f.Value
		}
		if form["金额"] != po.Total.StringFixed(2) || form["供应商"] == "" || !strings.Contains(form["明细"], "× 6000") {
			t.Fatalf("form %+v, order total %s", form, po.Total)
		}
		if err := e.sb.Decide(inst.ID, "ding_jingli", true, "同意采购"); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "PO approved", func() bool { return e.order(t, domain.DocPurchaseOrder, po.ID).Status == domain.OrderApproved })
		ap := e.order(t, domain.DocPurchaseOrder, po.ID).Approvals[0]
		if ap.Status != domain.ApprovalApproved || ap.Channel != app.ChannelDingTalk || ap.ExternalID != inst.ID ||
			ap.DecidedBy == nil || *ap.DecidedBy != e.userID(t, "jingli") || ap.Comment != "同意采购" {
			t.Fatalf("approval %+v", ap)
		}
		e.waitFor(t, "approval notice", func() bool { return e.notices("ding_caigou", po.Number+" 已通过审批") == 1 })

		// Refuse: the PO goes back to its requester, who is told why.
		po2 := e.submitPO(t, "7000")
		inst2 := e.instanceOf(t, po2.Number)
		// The remark carries a bidi override: DingTalk has decided, so it
		// is stripped, not refused.
		if err := e.sb.Decide(inst2.ID, "ding_jingli", false, "价格\u202e太高\x00"); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "PO rejected", func() bool { return e.order(t, domain.DocPurchaseOrder, po2.ID).Status == domain.OrderRejected })
		var rejected domain.Approval
		e.m.Store.DB().Table("approvals").Where("external_id = ?", inst2.ID).Take(&rejected)
		if rejected.Comment != "价格太高" {
			t.Fatalf("the rejection's comment: %q", rejected.Comment)
		}
		e.waitFor(t, "rejection notice", func() bool { return e.notices("ding_caigou", po2.Number+" 被驳回") == 1 })
		if !strings.Contains(e.sb.Messages("ding_caigou", "work_notice")[1].Text, "价格太高") {
			t.Fatalf("notice lacks the reason: %+v", e.sb.Messages("ding_caigou", "work_notice")[1])
		}

		// Withdrawn by the originator in DingTalk: back to draft.
		po3 := e.submitPO(t, "8000")
		inst3 := e.instanceOf(t, po3.Number)
		if err := e.sb.Revoke(inst3.ID, "写错了"); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "PO back to draft", func() bool { return e.order(t, domain.DocPurchaseOrder, po3.ID).Status == domain.OrderDraft })

		// Cancelled in the ERP: the instance is withdrawn in DingTalk.
		po4 := e.submitPO(t, "9000")
		inst4 := e.instanceOf(t, po4.Number)
		if _, err := e.m.App.CancelOrder(e.as(t, "caigou"), domain.DocPurchaseOrder, po4.ID); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "instance terminated", func() bool {
			for _, in := range e.sb.Instances("TERMINATED") {
				if in.ID == inst4.ID {
					return true
				}
			}
			return false
		})
		// The decision is DingTalk's: the ERP inbox refuses to decide it.
		po5 := e.submitPO(t, "5500")
		ap5 := e.order(t, domain.DocPurchaseOrder, po5.ID).Approvals[0]
		if _, err := e.m.App.Decide(e.as(t, "jingli"), ap5.ID, true, ""); !errorsIs(err, domain.ErrInvalidState) {
			t.Fatalf("local decision on an OA approval: %v", err)
		}
	})
}

// An OA start whose answer is lost (DingTalk created the instance, the
// reply never came back: a crash or a cut connection) is not started
// twice: the retry finds the instance by process, originator, time and
// document number, and links it. A resubmitted document, whose earlier
// instance is linked to its earlier approval, still gets a new one.
func TestOAStartAnswerLostStartsOnce(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		instancesOf := func(number string) []sandbox.Instance {
			var out []sandbox.Instance
			for _, in := range e.sb.Instances("") {
				for _, f := range in.Form {
					if f.Name == "单据编号" && f.Value == number {
						out = append(out, in)
					}
				}
			}
			return out
		}
		linked := func(po *domain.Order, n int) string {
			t.Helper()
			var ext string
			e.waitFor(t, "the approval linked to its instance", func() bool {
				aps := e.order(t, domain.DocPurchaseOrder, po.ID).Approvals
				if len(aps) < n {
					return false
				}
				ext = aps[0].ExternalID
				for _, ap := range aps {
					if ap.Status == domain.ApprovalPending {
						ext = ap.ExternalID
					}
				}
				return ext != "" && len(aps) == n
			})
			return ext
		}
		first := e.submitPO(t, "6100") // an earlier, linked instance of the same originator
		linked(first, 1)
		e.sb.LoseStartAnswers(1)
		po := e.submitPO(t, "6200")
		ext := linked(po, 1)
		time.Sleep(300 * time.Millisecond) // a second start would have happened by now
		ins := instancesOf(po.Number)
		if len(ins) != 1 || ins[0].ID != ext {
			t.Fatalf("%d instances of %s after a lost answer (linked %s), want the one: %+v", len(ins), po.Number, ext, ins)
		}
		if n := e.sb.CountCalls("/v1.0/workflow/processes/instanceIds/query"); n != 1 {
			t.Fatalf("%d instance lookups, want 1 (after the lost answer only)", n)
		}

		// Withdrawn in DingTalk, resubmitted, and the answer lost again:
		// the old instance is the old approval's, so a new one starts.
		if err := e.sb.Revoke(ext, "改数量"); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "PO back to draft", func() bool { return e.order(t, domain.DocPurchaseOrder, po.ID).Status == domain.OrderDraft })
		e.sb.LoseStartAnswers(1)
		o := e.order(t, domain.DocPurchaseOrder, po.ID)
		if _, err := e.m.App.SubmitOrder(e.as(t, "caigou"), domain.DocPurchaseOrder, po.ID, o.Version); err != nil {
			t.Fatal(err)
		}
		ext2 := linked(po, 2)
		time.Sleep(300 * time.Millisecond)
		if ins = instancesOf(po.Number); len(ins) != 2 || ext2 == ext {
			t.Fatalf("after resubmission: %d instances of %s, linked %s then %s; want two, each linked once", len(ins), po.Number, ext, ext2)
		}
		if err := e.sb.Decide(ext2, "ding_jingli", true, ""); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "PO approved", func() bool { return e.order(t, domain.DocPurchaseOrder, po.ID).Status == domain.OrderApproved })
	})
}

func errorsIs(err, target error) bool {
	de := domain.AsError(err)
	return de != nil && de.Code == domain.AsError(target).Code
}

// Duplicate and out-of-order events: an approval event that overtakes the
// link between instance and approval is pushed again (acked LATER) and
// applied when it can be; a duplicate of it, and a late contrary event,
// change nothing.
func TestOAEventsAppliedOnce(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		po := e.submitPO(t, "6000")
		inst := e.instanceOf(t, po.Number)
		e.waitFor(t, "instance linked", func() bool { return e.order(t, domain.DocPurchaseOrder, po.ID).Approvals[0].ExternalID == inst.ID })
		ap := e.order(t, domain.DocPurchaseOrder, po.ID).Approvals[0]
		// Unlink, as if the event had overtaken the commit that links them.
		db := e.m.Store.DB()
		if err := db.Exec("UPDATE approvals SET external_id = '' WHERE id = ?", ap.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.sb.Decide(inst.ID, "ding_jingli", true, "ok"); err != nil {
			t.Fatal(err)
		}
		var finish sandbox.Pushed
		e.waitFor(t, "finish event pushed", func() bool {
			for _, p := range e.sb.PushedFrames() {
				if p.EventType == "bpms_instance_change" && strings.Contains(p.Data, `"finish"`) && strings.Contains(p.Data, inst.ID) {
					finish = p
					return true
				}
			}
			return false
		})
		time.Sleep(700 * time.Millisecond) // delivered and refused (LATER) at least once
		if s := e.order(t, domain.DocPurchaseOrder, po.ID).Status; s != domain.OrderPending || e.sb.PendingEvents() == 0 {
			t.Fatalf("event applied before the link: %s, pending %d", s, e.sb.PendingEvents())
		}
		if err := db.Exec("UPDATE approvals SET external_id = ? WHERE id = ?", inst.ID, ap.ID).Error; err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "PO approved on redelivery", func() bool { return e.order(t, domain.DocPurchaseOrder, po.ID).Status == domain.OrderApproved })
		e.waitFor(t, "events acked", func() bool { return e.sb.PendingEvents() == 0 })
		// The same event again, and a contrary one with a new id.
		var data map[string]any
		if err := jsonUnmarshal(finish.Data, &data); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sb.PushEventID(finish.EventID, "bpms_instance_change", data); err != nil {
			t.Fatal(err)
		}
		data["result"] = "refuse"
		if _, err := e.sb.PushEvent("bpms_instance_change", data); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "events acked", func() bool { return e.sb.PendingEvents() == 0 })
		v := e.order(t, domain.DocPurchaseOrder, po.ID)
		if v.Status != domain.OrderApproved || v.Approvals[0].Status != domain.ApprovalApproved || v.Approvals[0].Version != ap.Version+1 {
			t.Fatalf("after duplicates: %s %+v", v.Status, v.Approvals[0])
		}
		var approvals int64
		db.Table("audit_logs").Where("action = ? AND entity = ? AND entity_id = ?", "approve", domain.DocPurchaseOrder, po.ID).Count(&approvals)
		if approvals != 1 {
			t.Fatalf("%d approve entries", approvals)
		}
		time.Sleep(300 * time.Millisecond)
		if n := e.notices("ding_caigou", po.Number); n != 1 {
			t.Fatalf("%d notices", n)
		}
	})
}

// An outage: DingTalk unreachable (API and stream) while 100 orders are
// submitted; when it is back every one reaches DingTalk exactly once, and
// approving them all in DingTalk approves them all in the ERP.
func TestOAOutageLosesNothing(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		e.sb.SetDown(true)
		const n = 100
		orders := make([]*domain.Order, n)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failed []error
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < n; i += 4 {
					func() {
						defer func() {
							if r := recover(); r != nil {
								mu.Lock()
								failed = append(failed, fmt.Errorf("%v", r))
								mu.Unlock()
							}
						}()
						orders[i] = e.submitPOQuiet(fmt.Sprint(5001 + i))
					}()
				}
			}(w)
		}
		wg.Wait()
		if len(failed) > 0 || countNil(orders) > 0 {
			t.Fatalf("submissions failed during the outage: %v", failed)
		}
		time.Sleep(500 * time.Millisecond)
		if got := len(e.sb.Instances("")); got != 0 {
			t.Fatalf("%d instances during the outage", got)
		}
		e.sb.SetDown(false)
		want := map[string]bool{}
		for _, o := range orders {
			want[o.Number] = true
		}
		e.waitFor(t, "all instances", func() bool { return len(e.sb.Instances("")) >= n })
		time.Sleep(500 * time.Millisecond) // no late duplicates either
		seen := map[string]int{}
		for _, in := range e.sb.Instances("") {
			for _, f := range in.Form {
				if f.Name == "单据编号" {
					seen[f.Value]++
				}
			}
		}
		if len(seen) != n {
			t.Fatalf("%d distinct documents in DingTalk, want %d", len(seen), n)
		}
		for num, c := range seen {
			if c != 1 || !want[num] {
				t.Fatalf("%s reached DingTalk %d times", num, c)
			}
		}
		e.waitFor(t, "stream back", func() bool { return e.sb.Connections() > 0 })
		for _, in := range e.sb.Instances("RUNNING") {
			if err := e.sb.Decide(in.ID, "ding_jingli", true, ""); err != nil {
				t.Fatal(err)
			}
		}
		e.waitFor(t, "all approved", func() bool {
			var pending int64
			e.m.Store.DB().Table("orders").Where("status = ?", domain.OrderPending).Where("id IN ?", ids(orders)).Count(&pending)
			return pending == 0
		})
		var approved int64
		e.m.Store.DB().Table("orders").Where("status = ? AND id IN ?", domain.OrderApproved, ids(orders)).Count(&approved)
		if approved != n {
			t.Fatalf("%d approved, want %d", approved, n)
		}
	})
}

func (e *dtEnv) submitPOQuiet(qty string) *domain.Order {
	ctx := app.WithActor(e.ctx, mustUser(e, "caigou"))
	wh, pid, sup := e.cachedRefs()
	lines := []app.OrderLineInput{{ProductID: pid, Qty: decimal.RequireFromString(qty), UnitPrice: decimal.RequireFromString("2.00")}}
	o, err := e.m.App.CreateOrder(ctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup, WarehouseID: &wh, Lines: &lines})
	if err != nil {
		panic(err)
	}
	if o, err = e.m.App.SubmitOrder(ctx, domain.DocPurchaseOrder, o.ID, 0); err != nil {
		panic(err)
	}
	return o
}

var refsOnce sync.Map

func (e *dtEnv) cachedRefs() (wh, pid, sup int64) {
	if v, ok := refsOnce.Load(e); ok {
		r := v.([3]int64)
		return r[0], r[1], r[2]
	}
	q := e.m.Store.Read(e.ctx)
	var w, p, s struct{ ID int64 }
	q.DB().Table("warehouses").Order("id").Take(&w)
	q.DB().Table("products").Order("id").Offset(2).Take(&p)
	q.DB().Table("partners").Where("code = ?", "S001").Take(&s)
	refsOnce.Store(e, [3]int64{w.ID, p.ID, s.ID})
	return w.ID, p.ID, s.ID
}

func mustUser(e *dtEnv, username string) *domain.User {
	u, err := store.Users.ByUsername(e.m.Store.Read(e.ctx), username)
	if err != nil {
		panic(err)
	}
	return u
}

func countNil(os []*domain.Order) int {
	n := 0
	for _, o := range os {
		if o == nil {
			n++
		}
	}
	return n
}

func ids(os []*domain.Order) []int64 {
	out := make([]int64, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func (e *dtEnv) chat(t *testing.T, userID, text string) string {
	t.Helper()
	m, err := e.sb.Chat(userID, text, 10*time.Second)
	if err != nil {
		t.Fatalf("chat %q as %s: %v", text, userID, err)
	}
	if m.MsgType != "markdown" {
		t.Fatalf("reply type %s", m.MsgType)
	}
	return m.Text
}

func mustContain(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s: %q lacks %q", what, got, w)
		}
	}
}

// The chat bot over the stream: commands answered with the ledger's
// numbers, as the sender's ERP user, inside their permissions and scope.
func TestBotCommands(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		admin := e.as(t, "admin")
		cat := e.m.App.Catalog()
		// A product with known stock: 100 in the first warehouse, 30 in the
		// second; an approved sales order reserves 12 of the first.
		base := e.product(t, 0)
		sku, name := "BOT-001", "机器人测试商品"
		prod, err := cat.Products.Create(admin, app.ProductInput{SKU: &sku, Name: &name, UnitID: &base.UnitID})
		if err != nil {
			t.Fatal(err)
		}
		whs, err := cat.Warehouses.List(admin, app.ListParams{PageSize: 5, Sort: "id"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, qty := range []string{"100", "30"} {
			if _, err := e.m.App.PostOpening(e.as(t, "cangguan"), app.OpeningInput{WarehouseID: whs.Items[i].ID,
				Lines: []app.OpeningLineInput{{ProductID: prod.ID, Qty: decimal.RequireFromString(qty), UnitCost: decimal.RequireFromString("3")}}}); err != nil {
				t.Fatal(err)
			}
		}
		// Two salespeople who see only their own documents.
		for _, u := range []string{"s1", "s2"} {
			if _, err := e.m.App.CreateUser(admin, app.UserInput{Username: p(u), Name: p("销售" + u), Password: p("Sales-pass-2026"),
				Roles: &[]domain.Role{domain.RoleSales}, DataScope: p(domain.ScopeOwn), DingTalkUserID: p("ding_" + u)}); err != nil {
				t.Fatal(err)
			}
			e.sb.PutUser(sandbox.User{UserID: "ding_" + u, Name: "销售" + u, DeptIDs: []int64{3}, Active: true})
		}
		sales := e.as(t, "s1")
		cust, wh := e.partner(t, "C001"), whs.Items[0].ID
		sell := func(ctx context.Context, qty, price string) *domain.Order {
			lines := []app.OrderLineInput{{ProductID: prod.ID, Qty: decimal.RequireFromString(qty), UnitPrice: decimal.RequireFromString(price)}}
			o, err := e.m.App.CreateOrder(ctx, domain.DocSalesOrder, app.OrderInput{PartnerID: &cust, WarehouseID: &wh, Lines: &lines})
			if err != nil {
				t.Fatal(err)
			}
			if o, err = e.m.App.SubmitOrder(ctx, domain.DocSalesOrder, o.ID, 0); err != nil {
				t.Fatal(err)
			}
			return o
		}
		reserved := sell(sales, "12", "5.00")
		if reserved.Status != domain.OrderApproved {
			t.Fatalf("small sales order is %s", reserved.Status)
		}
		got := e.chat(t, "ding_cangguan", "库存 bot-001")
		mustContain(t, "stock", got, "BOT-001", whs.Items[0].Name+"：在库 100，预留 12，可用 88", whs.Items[1].Name+"：在库 30，预留 0，可用 30")
		mustContain(t, "stock by name", e.chat(t, "ding_cangguan", "stock 机器人测试"), "在库 100")
		mustContain(t, "no such product", e.chat(t, "ding_cangguan", "库存 不存在的东西"), "没有找到商品")

		// Today's sales: s1 sells 10 × 5.00 (+13% = 56.50); s2's sale is
		// outside s1's scope (own).
		shipped := sell(sales, "10", "5.00")
		clerk := e.as(t, "cangguan")
		if _, err := e.m.App.PostShipment(clerk, app.ShipmentInput{OrderID: shipped.ID,
			Lines: []domain.MoveLine{{LineID: shipped.Lines[0].ID, Qty: decimal.RequireFromString("10")}}}); err != nil {
			t.Fatal(err)
		}
		other := "s2"
		theirs := sell(e.as(t, other), "4", "100.00")
		if _, err := e.m.App.PostShipment(clerk, app.ShipmentInput{OrderID: theirs.ID,
			Lines: []domain.MoveLine{{LineID: theirs.Lines[0].ID, Qty: decimal.RequireFromString("4")}}}); err != nil {
			t.Fatal(err)
		}
		got = e.chat(t, "ding_s1", "今日销售")
		mustContain(t, "own sales", got, "出库 1 单，含税金额 ¥56.50", "BOT-001 机器人测试商品：10，¥56.50", "仅含你的数据范围")
		got = e.chat(t, "ding_s2", "sales")
		mustContain(t, "their sales", got, "出库 1 单，含税金额 ¥452.00")
		// 陈经理 sees everyone's: the seeded shipments less the seeded return,
		// plus these two.
		var seeded struct{ Total decimal.Decimal }
		e.m.Store.DB().Table("stock_docs").Select("SUM(CASE WHEN type = 'sales_shipment' THEN total ELSE -total END) AS total").
			Where("type IN ?", []string{domain.DocSalesShipment, domain.DocSalesReturn}).Scan(&seeded)
		mustContain(t, "all sales", e.chat(t, "ding_jingli", "今日销售"), "含税金额 ¥"+seeded.Total.StringFixed(2))

		// Orders: the sender's scope and permissions apply.
		mustContain(t, "own order", e.chat(t, "ding_s1", "订单 "+shipped.Number), "已出库", "BOT-001", "10 × ¥5.00 = ¥56.50，已发 10")
		mustContain(t, "other's order", e.chat(t, "ding_s1", "订单 "+theirs.Number), "没有找到单据")
		mustContain(t, "manager sees it", e.chat(t, "ding_jingli", "订单 "+strings.ToLower(theirs.Number)), theirs.Number, "已出库")
		po := e.submitPO(t, "6000")
		// Without the purchase permission a PO does not exist for them
		// either: the answer does not tell which numbers exist.
		mustContain(t, "no purchase permission", e.chat(t, "ding_s1", "订单 "+po.Number), "没有找到单据")

		// Pending approvals: the manager's inbox; the purchaser's own requests.
		e.instanceOf(t, po.Number)
		mustContain(t, "manager pending", e.chat(t, "ding_jingli", "待审批"), "等你审批", po.Number, "（钉钉审批）")
		mustContain(t, "requester pending", e.chat(t, "ding_caigou", "pending"), "你提交、等待审批", po.Number)

		// Low stock: the demo's milk is below its safety stock.
		milk := e.product(t, 5)
		mustContain(t, "low stock", e.chat(t, "ding_caigou", "低库存"), "低于补货点", milk.SKU, "补货点 85")

		// In a group everyone sees the answer: no business data there.
		m, err := e.sb.ChatInGroup("ding_jingli", "今日销售", 10*time.Second)
		if err != nil || strings.Contains(m.Text, "¥") || !strings.Contains(m.Text, "请单聊我发送「今日销售」") {
			t.Fatalf("group answer: %+v %v", m, err)
		}
		if m, err := e.sb.ChatInGroup("ding_jingli", "帮助", 10*time.Second); err != nil || !strings.Contains(m.Text, "库存 <SKU或名称>") {
			t.Fatalf("group help: %+v %v", m, err)
		}

		// Help, unknown commands, unknown people.
		mustContain(t, "help", e.chat(t, "ding_caigou", "帮助"), "库存 <SKU或名称>", "今日销售")
		mustContain(t, "unknown", e.chat(t, "ding_caigou", "天气怎么样"), "没听懂「天气怎么样」", "帮助")
		e.sb.PutUser(sandbox.User{UserID: "ding_stranger", Name: "路人", DeptIDs: []int64{1}, Active: true})
		mustContain(t, "stranger", e.chat(t, "ding_stranger", "库存 A"), "还没有对应的 ERP 用户")
		if _, err := e.m.App.UpdateUser(admin, app.Actor(e.as(t, other)).ID, app.UserInput{Status: p(domain.UserDisabled)}); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "disabled", e.chat(t, "ding_s2", "sales"), "已停用")
	})
}

// Cards: an approval routed to the ERP inbox reaches the manager as a card
// whose buttons decide it; a product falling below its safety stock
// reaches the purchasers as a card that makes the requisition.
func TestCards(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		// The demo's large purchase was submitted by the system (no DingTalk
		// account): it stays in the ERP inbox, with a card to 陈经理.
		var card sandbox.CardInstance
		e.waitFor(t, "approval card", func() bool {
			for _, c := range e.sb.Cards("ding_jingli") {
				if c.TemplateID == DemoCardApproval {
					card = c
					return true
				}
			}
			return false
		})
		if card.Params["status"] != domain.ApprovalPending || !strings.Contains(card.Params["content"], "金额：¥") {
			t.Fatalf("card %+v", card)
		}
		apID := card.Params["approval_id"]
		// Someone who may not approve is told so on the card.
		// (The admin may hold a low-stock card: admins may buy.)
		other := slices.DeleteFunc(e.sb.Cards("ding_admin"), func(c sandbox.CardInstance) bool { return c.TemplateID != DemoCardApproval })
		if len(other) == 0 {
			// the admin got no approval card (a manager holds the role); press the
			// manager's card as the purchaser instead
			c, err := e.sb.Click(card.OutTrackID, "ding_caigou", "approve", 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, "refused click", c.Params["message"], "操作未完成")
			if c.Params["status"] != domain.ApprovalPending {
				t.Fatalf("card after a refused click: %+v", c.Params)
			}
		}
		c, err := e.sb.Click(card.OutTrackID, "ding_jingli", "approve", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if c.Params["status"] != domain.ApprovalApproved || c.Params["status_text"] != "已同意（陈经理）" || c.Params["message"] != "" {
			t.Fatalf("card after approve: %+v", c.Params)
		}
		var ap domain.Approval
		e.m.Store.DB().Table("approvals").Where("id = ?", apID).Take(&ap)
		if ap.Status != domain.ApprovalApproved || ap.DecidedBy == nil || *ap.DecidedBy != e.userID(t, "jingli") {
			t.Fatalf("approval after the card: %+v", ap)
		}
		if v := e.order(t, ap.DocType, ap.DocID); v.Status != domain.OrderApproved {
			t.Fatalf("order %s", v.Status)
		}
		// A second press finds it decided.
		c, err = e.sb.Click(card.OutTrackID, "ding_jingli", "reject", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "second press", c.Params["message"], "已是 approved")

		// The demo's milk fell below its safety stock: 王采购 has a card.
		milk := e.product(t, 5)
		var low sandbox.CardInstance
		e.waitFor(t, "low-stock card", func() bool {
			for _, c := range e.sb.Cards("ding_caigou") {
				if c.TemplateID == DemoCardLowStock && strings.Contains(c.Params["content"], milk.SKU) {
					low = c
					return true
				}
			}
			return false
		})
		mustContain(t, "low-stock card", low.Params["content"], "补货点 85", "建议采购")
		c, err = e.sb.Click(low.OutTrackID, "ding_caigou", "requisition", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "requisition made", c.Params["status_text"], "已生成请购单 RQ")
		var rqID int64
		fmt.Sscan(c.Params["requisition_id"], &rqID)
		rq, err := e.m.App.GetRequisition(e.as(t, "caigou"), rqID)
		if err != nil || rq.Status != domain.RequisitionDraft || !rq.HasProduct(milk.ID) {
			t.Fatalf("requisition %+v %v", rq, err)
		}
		sugg, err := e.m.App.ReorderSuggestions(e.as(t, "caigou"), rq.WarehouseID, app.ListParams{PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sugg.Items {
			if s.RequisitionID == rqID {
				t.Fatalf("confirmed requisition still an automatic suggestion: %+v", s)
			}
		}
		// It is no longer the automatic suggestion: pressing again says so.
		c, err = e.sb.Click(low.OutTrackID, "ding_caigou", "requisition", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "second requisition press", c.Params["status_text"], "已生成请购单")
	})
}

// BenchmarkBotRoundTrip times a bot question from the moment DingTalk
// pushes it to the moment the answer reaches the session webhook: the
// official SDK over the websocket, erpd's answer (库存 <SKU>: two queries on
// MariaDB), the webhook call. "direct" is the same answer without DingTalk
// in between, for the transport's share.
func BenchmarkBotRoundTrip(b *testing.B) {
	e := runWithDingTalk(b, store.DriverMySQL, sandbox.Options{})
	sku := e.product(b, 0).SKU
	report := func(b *testing.B, d []time.Duration) {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.Run("stream", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			start := time.Now()
			m, err := e.sb.Chat("ding_cangguan", "库存 "+sku, 10*time.Second)
			if err != nil || !strings.Contains(m.Text, "在库") {
				b.Fatalf("%v %q", err, m.Text)
			}
			d = append(d, time.Since(start))
		}
		report(b, d)
	})
	b.Run("direct", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			start := time.Now()
			a, err := e.m.App.BotReply(e.ctx, "ding_cangguan", "库存 "+sku, false)
			if err != nil || !strings.Contains(a.Text, "在库") {
				b.Fatalf("%v %q", err, a.Text)
			}
			d = append(d, time.Since(start))
		}
		report(b, d)
	})
}

// DingTalk refusing an OA instance for good (a wrong process code) sends
// the approval to the ERP inbox instead, with cards; the refused call is
// visible to the administrator and can be retried once fixed.
func TestOARefusedFallsBackToInbox(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{}, "ERP_DINGTALK_PROCESS_CODES_PURCHASE_ORDER", "PROC-NO-SUCH-TEMPLATE")
		po := e.submitPO(t, "6000")
		e.waitFor(t, "fallback", func() bool {
			return e.order(t, domain.DocPurchaseOrder, po.ID).Approvals[0].Channel == app.ChannelLocal
		})
		ap := e.order(t, domain.DocPurchaseOrder, po.ID).Approvals[0]
		if ap.Status != domain.ApprovalPending || !strings.Contains(ap.Reason, "钉钉审批未能发起") || ap.ExternalID != "" {
			t.Fatalf("approval %+v", ap)
		}
		e.waitFor(t, "card to the manager", func() bool {
			for _, c := range e.sb.Cards("ding_jingli") {
				if c.Params["approval_id"] == fmt.Sprint(ap.ID) {
					return true
				}
			}
			return false
		})
		// The inbox decides it now.
		if _, err := e.m.App.Decide(e.as(t, "jingli"), ap.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		tok := login(t, e.m.URL(), "admin", "Start-pass-2026")
		var failed struct {
			Items []struct {
				ID        int64
				Kind      string
				LastError string `json:"last_error"`
			}
			Total int
		}
		if code := getJSON(t, e.m.URL()+"/api/v1/dingtalk/outbox?status=failed", tok, &failed); code != 200 || failed.Total != 1 ||
			failed.Items[0].Kind != "oa.start" || !strings.Contains(failed.Items[0].LastError, "processCodeError") {
			t.Fatalf("failed outbox: %d %+v", code, failed)
		}
		if code := getJSON(t, e.m.URL()+"/api/v1/dingtalk/outbox?status=nonsense", tok, nil); code != 422 && code != 400 {
			t.Fatalf("bad status filter: %d", code)
		}
		if code := getJSON(t, e.m.URL()+"/api/v1/dingtalk/outbox", login(t, e.m.URL(), "caigou", DemoPassword), nil); code != 403 {
			t.Fatalf("outbox as a purchaser: %d", code)
		}
		mreq, _ := http.NewRequest("GET", e.m.URL()+"/metrics", nil)
		mreq.Header.Set("Authorization", "Bearer dingtalk-test-metrics-token")
		resp, err := http.DefaultClient.Do(mreq)
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		mustContain(t, "metrics", string(metrics), `erpd_outbox_messages{status="failed"} 1`)
		retry := func(id int64) int {
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/dingtalk/outbox/%d/retry", e.m.URL(), id), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := retry(failed.Items[0].ID); code != 200 {
			t.Fatalf("retry: %d", code)
		}
		// Retried, it finds the approval decided in the inbox: nothing to send.
		e.waitFor(t, "retried message done", func() bool {
			var st string
			e.m.Store.DB().Table("outbox").Select("status").Where("id = ?", failed.Items[0].ID).Scan(&st)
			return st == "done"
		})
		if len(e.sb.Instances("")) != 0 {
			t.Fatalf("an instance was started: %+v", e.sb.Instances(""))
		}
		if code := retry(failed.Items[0].ID); code != 409 {
			t.Fatalf("retry of a delivered message: %d", code)
		}
	})
}

// The H5 page's dd.config: signed for its address with the jsapi ticket
// (fetched once, then cached), the signature accepted by the sandbox as
// DingTalk's client would check it, and refused for another address.
func TestH5JSAPIConfig(t *testing.T) {
	e := runWithDingTalk(t, store.DriverSQLite, sandbox.Options{})
	info := e.m.App.H5Info()
	if !info.Enabled || info.CorpID != DemoCorpID || info.AgentID != DemoAgentID || info.ClientID != DemoAppKey {
		t.Fatalf("h5 info %+v", info)
	}
	page := "https://erp.example.com/h5/?corpId=ding%24corp&from=app"
	var cfg *app.JSAPIConfig
	for i := 0; i < 3; i++ {
		var err error
		if cfg, err = e.m.App.SignJSAPI(e.as(t, "xiaoshou"), page+"#/stock"); err != nil {
			t.Fatal(err)
		}
	}
	if cfg.AgentID != fmt.Sprint(DemoAgentID) || cfg.CorpID != DemoCorpID || len(cfg.JSAPIList) == 0 || cfg.NonceStr == "" {
		t.Fatalf("config %+v", cfg)
	}
	fetched := 0
	for _, c := range e.sb.Calls() {
		if c.Path == "/v1.0/oauth2/jsapiTickets" {
			fetched++
		}
	}
	if fetched != 1 {
		t.Fatalf("the ticket was fetched %d times for three pages", fetched)
	}
	verify := func(url string) string {
		body, _ := json.Marshal(map[string]string{"url": url, "nonceStr": cfg.NonceStr, "timeStamp": cfg.TimeStamp, "signature": cfg.Signature})
		w := httptest.NewRecorder()
		e.sb.Handler().ServeHTTP(w, httptest.NewRequest("POST", "/sandbox/jsapi/verify", bytes.NewReader(body)))
		var out struct{ ErrorCode string }
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out.ErrorCode
	}
	if got := verify(page); got != "0" {
		t.Fatalf("the sandbox refused the signature: %s", got)
	}
	if got := verify("https://erp.example.com/h5/other"); got != "52013" {
		t.Fatalf("a signature for another page passed: %s", got)
	}
	_, err := e.m.App.SignJSAPI(e.as(t, "xiaoshou"), "javascript:alert(1)")
	if de := domain.AsError(err); de == nil || de.Field != "url" {
		t.Fatalf("a bad url: %v", err)
	}
}

// DingTalk QR sign-in (扫码登录) as a browser goes through it: the console
// asks erpd where to go, the sandbox's login page (DingTalk's
// /oauth2/auth) shows the org, "scanning" as 陈经理 sends the browser back
// to the console's callback with an authCode and the state, and erpd
// trades them for a session. A state is good once, a code is good once,
// someone outside the company and someone without an ERP account are
// refused with their own codes.
func TestDingTalkQRLogin(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		// Outside the demo QR sign-in needs http.public_url: erpd's own
		// address, known before it starts.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		e := runWithDingTalk(t, driver, sandbox.Options{}, "ERP_HTTP_ADDR", addr, "ERP_HTTP_PUBLIC_URL", "http://"+addr)
		base := e.m.URL()
		if base != "http://"+addr {
			t.Fatalf("erpd listens at %s, not %s", base, addr)
		}
		if !e.m.App.H5Info().WebLogin {
			t.Fatal("QR sign-in is off in the demo")
		}
		var start app.WebLoginStart
		if code := getJSON(t, base+"/api/v1/auth/dingtalk/qr", "", &start); code != 200 {
			t.Fatalf("start: %d", code)
		}
		auth, err := url.Parse(start.URL)
		if err != nil {
			t.Fatal(err)
		}
		q := auth.Query()
		if !strings.HasPrefix(start.URL, e.m.Config.DingTalk.LoginHost+"/oauth2/auth?") || q.Get("client_id") != DemoAppKey ||
			q.Get("response_type") != "code" || q.Get("scope") != "openid" || q.Get("state") != start.State ||
			q.Get("redirect_uri") != base+app.WebLoginPath {
			t.Fatalf("authorize url %s", start.URL)
		}
		// The login page lists the people; choosing one is the scan.
		resp, err := http.Get(start.URL)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), `data-userid="ding_jingli"`) {
			t.Fatalf("login page %d: %.300s", resp.StatusCode, page)
		}
		// DingTalk refuses an app it does not know before showing any QR code.
		bad := *auth
		bq := auth.Query()
		bq.Set("client_id", "dingnosuchapp")
		bad.RawQuery = bq.Encode()
		if resp, err := http.Get(bad.String()); err != nil || resp.StatusCode != 400 {
			t.Fatalf("unknown client_id: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		scan := func(userID string) (authCode string) {
			t.Helper()
			form := url.Values{}
			for k := range q {
				form.Set(k, q.Get(k))
			}
			form.Set("userid", userID)
			resp, err := noFollow.PostForm(e.m.Config.DingTalk.LoginHost+"/oauth2/auth", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			back, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != 302 || err != nil || !strings.HasPrefix(back.String(), base+app.WebLoginPath+"?") || back.Query().Get("state") != start.State {
				t.Fatalf("scan: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			return back.Query().Get("authCode")
		}
		finish := func(code, state string) (int, map[string]any) {
			body, _ := json.Marshal(map[string]string{"auth_code": code, "state": state})
			resp, err := http.Post(base+"/api/v1/auth/dingtalk/qr", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		errCode := func(out map[string]any) string {
			e, _ := out["error"].(map[string]any)
			s, _ := e["code"].(string)
			return s
		}
		code := scan("ding_jingli")
		status, out := finish(code, start.State)
		user, _ := out["user"].(map[string]any)
		if status != 200 || out["token"] == "" || user["username"] != "jingli" {
			t.Fatalf("finish: %d %v", status, out)
		}
		var me struct{ Username string }
		if getJSON(t, base+"/api/v1/me", out["token"].(string), &me); me.Username != "jingli" {
			t.Fatalf("me with the QR session: %+v", me)
		}
		// The same state again, even with a fresh code: refused.
		if status, out := finish(scan("ding_jingli"), start.State); status != 401 || errCode(out) != "oauth_state_invalid" {
			t.Fatalf("state reused: %d %v", status, out)
		}
		fresh := func() string {
			var s app.WebLoginStart
			getJSON(t, base+"/api/v1/auth/dingtalk/qr", "", &s)
			return s.State
		}
		// A used code with a fresh state: DingTalk refuses it.
		if status, out := finish(code, fresh()); status != 401 || errCode(out) != "dingtalk_auth_code_invalid" {
			t.Fatalf("code reused: %d %v", status, out)
		}
		oauthCode := func(userID string) string {
			c, err := e.sb.IssueOAuthCode(userID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// A state this server never issued.
		if status, out := finish(oauthCode("ding_jingli"), strings.Repeat("ab", 16)); status != 401 || errCode(out) != "oauth_state_invalid" {
			t.Fatalf("forged state: %d %v", status, out)
		}
		// Someone in DingTalk but not in this company (they scanned, then
		// left it: their DingTalk account lives on).
		e.sb.PutUser(sandbox.User{UserID: "ding_guest", Name: "访客", DeptIDs: []int64{1}, Active: true})
		stranger := oauthCode("ding_guest")
		e.sb.RemoveUser("ding_guest")
		if status, out := finish(stranger, fresh()); status != 403 || errCode(out) != "dingtalk_user_not_in_corp" {
			t.Fatalf("outsider: %d %v", status, out)
		}
		// In the company, but without an ERP account.
		e.sb.PutUser(sandbox.User{UserID: "ding_newbie", Name: "新同事", DeptIDs: []int64{3}, Active: true})
		if status, out := finish(oauthCode("ding_newbie"), fresh()); status != 403 || errCode(out) != "dingtalk_user_not_linked" {
			t.Fatalf("unlinked: %d %v", status, out)
		}
		// The audit log says how they came in.
		logs, err := e.m.App.AuditLog(e.as(t, "admin"), app.AuditFilter{Action: "login"}, app.ListParams{PageSize: 20, Sort: "-id"})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range logs.Items {
			found = found || strings.Contains(l.After, "dingtalk_qr")
		}
		if !found {
			t.Fatalf("no dingtalk_qr login in the audit log: %+v", logs.Items)
		}
	})
}

// Issue 21 part 6: a decision made in DingTalk by someone the ERP's inbox
// would refuse does not decide the document. 李销售 approving his own
// sales order in OA (the security test's finding), then pressing the
// approval card, leaves it pending in the ERP inbox, recorded and
// announced to him; a DingTalk user linked to no ERP user, and a manager
// without the document in scope, fare the same; 陈经理 then decides it in
// the inbox.
func TestOADecisionOutsideTheRules(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := runWithDingTalk(t, driver, sandbox.Options{})
		refusals := func(docType string, docID int64, source string) []string {
			var after []string
			e.m.Store.DB().Table("audit_logs").Select("after").
				Where("action = ? AND entity = ? AND entity_id = ?", "decision_refused", docType, docID).Order("id").Scan(&after)
			var out []string
			for _, a := range after {
				if strings.Contains(a, `"source":"`+source+`"`) {
					out = append(out, a)
				}
			}
			return out
		}
		// The reproduction: a sales order above the demo's ¥20,000 goes to OA.
		ctx := e.as(t, "xiaoshou")
		pid, cust, wh := e.product(t, 0).ID, e.partner(t, "C001"), e.warehouse(t)
		lines := []app.OrderLineInput{{ProductID: pid, Qty: decimal.RequireFromString("1"), UnitPrice: decimal.RequireFromString("30000")}}
		so, err := e.m.App.CreateOrder(ctx, domain.DocSalesOrder, app.OrderInput{PartnerID: &cust, WarehouseID: &wh, Lines: &lines})
		if err != nil {
			t.Fatal(err)
		}
		if so, err = e.m.App.SubmitOrder(ctx, domain.DocSalesOrder, so.ID, 0); err != nil || so.Status != domain.OrderPending {
			t.Fatalf("submitted: %v %+v", err, so)
		}
		inst := e.instanceOf(t, so.Number)
		if err := e.sb.Decide(inst.ID, "ding_xiaoshou", true, "我自己批了"); err != nil {
			t.Fatal(err)
		}
		e.waitFor(t, "refused decision recorded", func() bool { return len(refusals(domain.DocSalesOrder, so.ID, "dingtalk_oa")) == 1 })
		v := e.order(t, domain.DocSalesOrder, so.ID)
		ap := v.Approvals[0]
		if v.Status != domain.OrderPending || len(v.Approvals) != 1 || ap.Status != domain.ApprovalPending || ap.Channel != app.ChannelLocal ||
			ap.DecidedBy != nil || !strings.Contains(ap.Reason, "李销售的同意未被接受：不能审批自己提交的单据") {
			t.Fatalf("after the requester's OA approval: order %s, approvals %+v", v.Status, v.Approvals)
		}
		mustContain(t, "audit row", refusals(domain.DocSalesOrder, so.ID, "dingtalk_oa")[0], `"refusal":"decider_is_requester"`,
			`"instance":"`+inst.ID+`"`, `"approve":true`, "我自己批了")
		e.waitFor(t, "notice to the requester", func() bool { return e.notices("ding_xiaoshou", so.Number+" 的审批未生效") == 1 })
		// The approvers learn it waits in the inbox: a card to 陈经理.
		var card sandbox.CardInstance
		e.waitFor(t, "card to the manager", func() bool {
			for _, c := range e.sb.Cards("ding_jingli") {
				if c.Params["approval_id"] == fmt.Sprint(ap.ID) {
					card = c
					return true
				}
			}
			return false
		})
		// The same through the card: refused on the card, recorded, announced.
		c, err := e.sb.Click(card.OutTrackID, "ding_xiaoshou", "approve", 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "refused click", c.Params["message"], "操作未完成", "不能审批自己提交的单据")
		if c.Params["status"] != domain.ApprovalPending {
			t.Fatalf("card after the requester's click: %+v", c.Params)
		}
		if r := refusals(domain.DocSalesOrder, so.ID, "dingtalk_card"); len(r) != 1 || !strings.Contains(r[0], "decider_is_requester") {
			t.Fatalf("card refusal audit: %v", r)
		}
		e.waitFor(t, "second notice", func() bool { return e.notices("ding_xiaoshou", so.Number+" 的审批未生效") == 2 })
		if s := e.order(t, domain.DocSalesOrder, so.ID).Status; s != domain.OrderPending {
			t.Fatalf("order after the card: %s", s)
		}
		// A proper approver decides it in the ERP inbox.
		if _, err := e.m.App.Decide(e.as(t, "jingli"), ap.ID, true, "同意"); err != nil {
			t.Fatal(err)
		}
		if s := e.order(t, domain.DocSalesOrder, so.ID).Status; s != domain.OrderApproved {
			t.Fatalf("order after the inbox decision: %s", s)
		}

		// A DingTalk user linked to no ERP user, and a manager who sees only
		// his own documents: neither decides 王采购's purchase order.
		e.sb.PutUser(sandbox.User{UserID: "ding_stranger", Name: "路人", DeptIDs: []int64{1}, Active: true})
		if _, err := e.m.App.CreateUser(e.as(t, "admin"), app.UserInput{Username: p("jingli2"), Name: p("周经理"), Password: p("Manager-pass-2026"),
			Roles: &[]domain.Role{domain.RoleManager}, DataScope: p(domain.ScopeOwn), DingTalkUserID: p("ding_jingli2")}); err != nil {
			t.Fatal(err)
		}
		e.sb.PutUser(sandbox.User{UserID: "ding_jingli2", Name: "周经理", DeptIDs: []int64{1}, Active: true})
		for _, c := range []struct{ who, refusal string }{{"ding_stranger", "decider_unknown"}, {"ding_jingli2", "decider_out_of_scope"}} {
			po := e.submitPO(t, "6000")
			inst := e.instanceOf(t, po.Number)
			if err := e.sb.Decide(inst.ID, c.who, true, ""); err != nil {
				t.Fatal(err)
			}
			e.waitFor(t, c.who+"'s decision recorded", func() bool { return len(refusals(domain.DocPurchaseOrder, po.ID, "dingtalk_oa")) == 1 })
			mustContain(t, c.who, refusals(domain.DocPurchaseOrder, po.ID, "dingtalk_oa")[0], `"refusal":"`+c.refusal+`"`)
			if v := e.order(t, domain.DocPurchaseOrder, po.ID); v.Status != domain.OrderPending || v.Approvals[0].Channel != app.ChannelLocal {
				t.Fatalf("%s: order %s, approval %+v", c.who, v.Status, v.Approvals[0])
			}
			e.waitFor(t, "notice to 王采购", func() bool { return e.notices("ding_caigou", po.Number+" 的审批未生效") == 1 })
		}
		var failed int64
		e.m.Store.DB().Table("outbox").Where("status = ?", store.OutboxFailed).Count(&failed)
		if failed != 0 {
			t.Fatalf("%d outbox messages failed", failed)
		}
	})
}
