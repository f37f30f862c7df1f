package store

// Later exposes the held write to the pipeline's tests.
func (tx *Tx) Later(query string, args ...any) error { return tx.later(query, args...) }
