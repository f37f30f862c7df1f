package store

import (
	"encoding/json"
	"fmt"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

// canonicalUsernames rewrites every username into its canonical form
// (domain.CanonicalUsername), so lookups and the sign-in throttle agree on
// one spelling. Rule for collisions (Admin and admin on SQLite, which
// compares case-sensitively): an account already spelled canonically
// keeps its name (it signs in with exactly that today), else the lowest
// id does (the oldest account is the one people know); each other one becomes
// <name>-<id> (cut to fit 32 characters, and counted up should that be
// taken too), and every rename is in the audit log as username_canonical
// with the old and new name, so an administrator can tell the people
// concerned. Soft-deleted users are renamed as well: they hold the unique
// index too.
func canonicalUsernames(db *gorm.DB) error {
	type row struct {
		ID       int64
		Username string
	}
	var rows []row
	if err := db.Table("users").Select("id, username").Order("id").Find(&rows).Error; err != nil {
		return err
	}
	taken := make(map[string]bool, len(rows))
	final := make(map[int64]string)
	for _, r := range rows { // first pass: canonical names that stay put
		if domain.CanonicalUsername(r.Username) == r.Username {
			taken[r.Username] = true
		}
	}
	for _, r := range rows {
		c := domain.CanonicalUsername(r.Username)
		if c == r.Username {
			continue
		}
		name := c
		for n := 0; taken[name] || name == ""; n++ {
			suffix := fmt.Sprintf("-%d", r.ID)
			if n > 0 {
				suffix = fmt.Sprintf("-%d-%d", r.ID, n+1)
			}
			base := c
			if len(base)+len(suffix) > 32 {
				base = base[:32-len(suffix)]
			}
			name = base + suffix
		}
		taken[name] = true
		final[r.ID] = name
	}
	if len(final) == 0 {
		return nil
	}
	// Through temporary names, so no rename meets a name another rename
	// is about to free (the unique index would refuse it).
	for id := range final {
		if err := db.Exec("UPDATE users SET username = ? WHERE id = ?", fmt.Sprintf("~canon~%d", id), id).Error; err != nil {
			return err
		}
	}
	now := db.NowFunc()
	for _, r := range rows {
		name, ok := final[r.ID]
		if !ok {
			continue
		}
		if err := db.Exec("UPDATE users SET username = ? WHERE id = ?", name, r.ID).Error; err != nil {
			return err
		}
		before, _ := json.Marshal(map[string]string{"username": r.Username})
		after, _ := json.Marshal(map[string]string{"username": name})
		if err := db.Exec("INSERT INTO audit_logs (at, actor_id, actor_name, action, entity, entity_id, `before`, `after`, request_id) VALUES (?, 0, ?, ?, 'user', ?, ?, ?, '')",
			now, "系统", "username_canonical", r.ID, string(before), string(after)).Error; err != nil {
			return err
		}
	}
	return nil
}
