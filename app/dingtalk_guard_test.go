package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// With DingTalk turned off, messages written while it was on drain as no-ops
// instead of crashing the deliverer; the inbox can decide approvals that
// were routed to OA; and an empty DingTalk id is nobody.
func TestDingTalkOffAndAnonymous(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		err := e.store.InTx(e.admin, func(tx *store.Tx) error {
			for _, k := range []string{"oa.start", "oa.terminate", "approval.cards", "approval.ended", "lowstock"} {
				if err := tx.Enqueue(k, map[string]int{"approval_id": 1}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.app.DeliverOutbox(context.Background())
		if err != nil || n != 5 {
			t.Fatalf("delivered %d, %v", n, err)
		}
		counts, err := store.OutboxCounts(e.store.Read(context.Background()))
		if err != nil || counts[store.OutboxDone] != 5 || counts[store.OutboxPending] != 0 {
			t.Fatalf("outbox %v %v", counts, err)
		}

		// The bootstrap admin has no DingTalk id; a message without a sender
		// id must not act as them.
		for _, id := range []string{"", " "} {
			ans, err := e.app.BotReply(context.Background(), id, "今日销售", false)
			if err != nil || !strings.Contains(ans.Text, "还没有对应的 ERP 用户") {
				t.Fatalf("anonymous %q: %+v %v", id, ans, err)
			}
		}
		if _, err := e.app.HandleCardAction(context.Background(), app.CardAction{OutTrackID: "x", UserID: "", Action: "approve"}); !isNotFound(err) {
			t.Fatalf("card action without a card or user: %v", err)
		}
	})
}

func isNotFound(err error) bool {
	de := domain.AsError(err)
	return de != nil && de.Kind == domain.KindNotFound
}
