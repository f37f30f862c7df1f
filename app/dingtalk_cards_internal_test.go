package app

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// cardRecorder is a domain.Messenger that keeps the cards sent.
type cardRecorder struct {
	mu    sync.Mutex
	cards []domain.Card
}

func (r *cardRecorder) Notify(context.Context, []string, string, string) error { return nil }
func (r *cardRecorder) UpdateCard(context.Context, string, map[string]string) error {
	return nil
}
func (r *cardRecorder) SendCard(_ context.Context, c domain.Card) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cards = append(r.cards, c)
	return nil
}

// A low-stock card goes to whoever may buy (purchase:write), a custom
// buyer role as much as the built-in purchaser (and an administrator,
// who may buy too), and not to a linked user
// who may not buy, nor to a disabled one.
func TestLowStockCardsGoToWhoeverMayBuy(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		rec := &cardRecorder{}
		a := New(Options{Store: storetest.Open(t, driver), Cache: storetest.Cache(t, driver),
			Auth:     AuthConfig{Secret: []byte("card-test-secret-card-test-secret-x"), TokenTTL: time.Hour},
			DingTalk: DingTalk{Messenger: rec, CardTemplates: map[string]string{CardLowStock: "tpl-low"}}})
		sys := WithActor(context.Background(), System)
		wh, err := a.Catalog().Warehouses.Create(sys, WarehouseInput{Code: ptrTo("W1"), Name: ptrTo("主仓")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateRole(sys, RoleInput{Role: ptrTo(domain.Role("buyer_lead")), Name: ptrTo("采购主管"),
			Permissions: &[]domain.Permission{domain.PermPurchaseRead, domain.PermPurchaseWrite}}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct {
			name, ding string
			role       domain.Role
			status     string
		}{
			{"caigou", "ding_caigou", domain.RolePurchaser, domain.UserActive},
			{"lead", "ding_lead", "buyer_lead", domain.UserActive},
			{"xiaoshou", "ding_xiaoshou", domain.RoleSales, domain.UserActive},
			{"gone", "ding_gone", "buyer_lead", domain.UserDisabled},
			{"unlinked", "", "buyer_lead", domain.UserActive},
			{"boss", "ding_boss", domain.RoleAdmin, domain.UserActive},
		} {
			if _, err := a.CreateUser(sys, UserInput{Username: ptrTo(u.name), Name: ptrTo(u.name), DingTalkUserID: ptrTo(u.ding),
				Roles: &[]domain.Role{u.role}, Status: ptrTo(u.status), Password: ptrTo("Pw-card-2026x")}); err != nil {
				t.Fatal(u.name, err)
			}
		}
		m := store.OutboxMessage{ID: 5, Kind: "low_stock", Payload: `{"warehouse_id":` + itoa(wh.ID) + `,"items":[{"product_id":1,"sku":"A","name":"奶","available":"1","safety_stock":"5","suggested":"4"}]}`}
		if err := a.deliverLowStock(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		var to []string
		for _, c := range rec.cards {
			to = append(to, c.UserID)
		}
		if !slices.Equal(to, []string{"ding_caigou", "ding_lead", "ding_boss"}) {
			t.Fatalf("low-stock cards went to %v", to)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
