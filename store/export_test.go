package store

// Later exposes the held write to the pipeline's tests.
func (tx *Tx) Later(query string, args ...any) error { return tx.later(query, args...) }

// AuditLater exposes laterInsert to the pipeline's tests: one audit row per
// action, with the columns of exprs given as SQL.
func (tx *Tx) AuditLater(actions []string, exprs map[string]string, set func(i int, id int64)) (string, error) {
	rows := make([]auditRow, len(actions))
	for i, a := range actions {
		rows[i] = auditRow{At: tx.Now, ActorID: 1, ActorName: "测试", Action: a, Entity: "unit", EntityID: int64(i)}
	}
	return tx.laterInsert(rows, exprs, set)
}

// MigrateToCents exposes the migration to 分, to show it runs twice alike.
var MigrateToCents = migrateToCents
