package domain

import (
	"errors"
	"testing"
)

// CheckVersion: 0 is "the client sent no version" and skips the check; any
// other version must be the current one.
func TestCheckVersion(t *testing.T) {
	cases := []struct {
		have, sent int
		conflict   bool
	}{
		{1, 0, false}, {7, 0, false}, {1, 1, false}, {7, 7, false},
		{2, 1, true}, {1, 2, true}, {7, -1, true},
	}
	for _, c := range cases {
		err := CheckVersion(c.have, c.sent)
		if got := errors.Is(err, ErrVersionConflict); got != c.conflict || (err != nil) != c.conflict {
			t.Fatalf("CheckVersion(%d, %d) = %v, conflict %v", c.have, c.sent, err, c.conflict)
		}
	}
}
