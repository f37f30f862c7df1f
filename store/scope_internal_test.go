package store

import "testing"

// A Scope built by hand without app sees nothing; all sees everyone; a set
// of creators sees exactly them. Its IN list is never empty SQL.
func TestScopeSees(t *testing.T) {
	cases := []struct {
		name  string
		s     Scope
		owner int64
		want  bool
	}{
		{"zero sees nothing", Scope{}, 1, false},
		{"zero sees not even the system", Scope{}, 0, false},
		{"all sees anyone", AllScope(), 42, true},
		{"creators see theirs", CreatorsScope([]int64{3, 7}), 7, true},
		{"creators see no one else", CreatorsScope([]int64{3, 7}), 8, false},
		{"empty creators see nothing", CreatorsScope(nil), 1, false},
	}
	for _, c := range cases {
		if got := c.s.Sees(c.owner); got != c.want {
			t.Errorf("%s: Sees(%d) = %v", c.name, c.owner, got)
		}
	}
	if ids := CreatorsScope(nil).ids(); len(ids) != 1 || ids[0] != -1 {
		t.Errorf("empty IN list: %v", ids)
	}
	ids := []int64{5}
	s := CreatorsScope(ids)
	ids[0] = 6
	if !s.Sees(5) || s.Sees(6) {
		t.Error("the scope shares its caller's slice")
	}
}
