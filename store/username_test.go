package store_test

import (
	"fmt"
	"testing"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// The canonical-username migration lower-cases and folds existing names;
// on SQLite, which kept Admin and admin apart, the account already spelled
// canonically keeps the name and the other becomes <name>-<id>, and every
// rename is audited.
func TestUpgradeCanonicalUsernames(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, err := store.Open(ctx, storetest.DSN(t, driver))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.MigrateTo(ctx, "202612070500_fen_money_in_cents"); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		names := []string{"Wang.Li", "zhao", "CaiGou2"}
		if driver == "sqlite" { // MariaDB's collation never let these two coexist
			names = append(names, "caigou2")
		}
		ids := map[string]int64{}
		for _, n := range names {
			row := map[string]any{"username": n, "name": n, "password_hash": "x", "roles": "viewer", "status": "active",
				"data_scope": "all", "dingtalk_user_id": "", "mobile": "", "email": "", "token_version": 0, "version": 1}
			if err := db.Table("users").Create(row).Error; err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := db.Table("users").Where("username = ?", n).Pluck("id", &id).Error; err != nil {
				t.Fatal(err)
			}
			ids[n] = id
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{ids["Wang.Li"]: "wang.li", ids["zhao"]: "zhao", ids["CaiGou2"]: "caigou2"}
		renamed := 2
		if driver == "sqlite" {
			want[ids["caigou2"]] = "caigou2"
			want[ids["CaiGou2"]] = fmt.Sprintf("caigou2-%d", ids["CaiGou2"])
		}
		for id, name := range want {
			var got string
			if err := db.Table("users").Where("id = ?", id).Pluck("username", &got).Error; err != nil {
				t.Fatal(err)
			}
			if got != name {
				t.Errorf("user %d: %q, want %q", id, got, name)
			}
		}
		var audited int64
		if err := db.Table("audit_logs").Where("action = ? AND entity = 'user'", "username_canonical").Count(&audited).Error; err != nil {
			t.Fatal(err)
		}
		if audited != int64(renamed) {
			t.Errorf("%d renames audited, want %d", audited, renamed)
		}
	})
}
