package store

// Later exposes the held write to the pipeline's tests.
func (tx *Tx) Later(query string, args ...any) error { return tx.later(query, args...) }

// MasterCacheOn tells whether the master cache is on.
func (s *Store) MasterCacheOn() bool { return s.master.on.Load() }
