package domain

import (
	"errors"
	"testing"
)

func TestCheckDecider(t *testing.T) {
	ap := Approval{Role: RoleManager, RequestedBy: 7, DocNumber: "SO-1"}
	user := func(id int64, status string, roles ...Role) *User {
		return &User{ID: id, Name: "u", Status: status, Roles: roles}
	}
	cases := []struct {
		name    string
		decider *User
		a       Approval
		inScope bool
		want    string // "" accepts
	}{
		{"the routed role, in scope", user(8, UserActive, RoleManager), ap, true, ""},
		{"an administrator", user(8, UserActive, RoleAdmin), ap, true, ""},
		{"the role among others", user(8, UserActive, RoleSales, RoleManager), ap, true, ""},
		{"system request decided by the role", user(8, UserActive, RoleManager), Approval{Role: RoleManager}, true, ""},
		{"not linked to an ERP user", nil, ap, true, RefusalUnknownDecider},
		{"a disabled user", user(8, UserDisabled, RoleManager), ap, true, RefusalUnknownDecider},
		{"the requester", user(7, UserActive, RoleSales), ap, true, RefusalRequester},
		{"the requester holding the role", user(7, UserActive, RoleManager), ap, true, RefusalRequester},
		{"the requester as administrator", user(7, UserActive, RoleAdmin), ap, true, RefusalRequester},
		{"the requester, out of scope too", user(7, UserActive, RoleSales), ap, false, RefusalRequester},
		{"no approval:decide", user(8, UserActive, RoleSales), ap, true, RefusalNotApprover},
		{"no roles", user(8, UserActive), ap, true, RefusalNotApprover},
		{"approval:decide but another role", user(8, UserActive, RoleManager), Approval{Role: RoleFinance, RequestedBy: 7}, true, RefusalNotApprover},
		{"the routed role without approval:decide", user(8, UserActive, RoleViewer), Approval{Role: RoleViewer, RequestedBy: 7}, true, RefusalNotApprover},
		{"out of scope", user(8, UserActive, RoleManager), ap, false, RefusalOutOfScope},
	}
	for _, c := range cases {
		err := c.a.CheckDecider(c.decider, c.inScope)
		if got := RefusalOf(err); got != c.want {
			t.Errorf("%s: refusal %q (%v), want %q", c.name, got, err, c.want)
		}
		if c.want == "" {
			continue
		}
		if !errors.Is(err, ErrForbidden) || AsError(err).Message == "" {
			t.Errorf("%s: %v is not a forbidden error with a message", c.name, err)
		}
	}
	if RefusalOf(ErrForbidden.WithMessage("x")) != "" || RefusalOf(errors.New("x")) != "" || RefusalOf(nil) != "" {
		t.Error("RefusalOf names a refusal for an error that is none")
	}
}
