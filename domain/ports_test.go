package domain

import "testing"

func TestProcessInstanceFormValue(t *testing.T) {
	p := ProcessInstance{Form: []FormValue{{"单号", "PO20261123-0001"}, {"金额", "12000.00"}, {"单号", "later"}}}
	cases := map[string]string{"单号": "PO20261123-0001", "金额": "12000.00", "供应商": "", "": ""}
	for name, want := range cases {
		if got := p.FormValue(name); got != want {
			t.Errorf("FormValue(%q) = %q, want %q", name, got, want)
		}
	}
}

// Decider is the last executed task of an instance: a later start or a
// comment (NONE, no task) does not count, an agent's task does.
func TestProcessInstanceDecider(t *testing.T) {
	cases := []struct {
		name             string
		records          []ProcessRecord
		wantUser, remark string
	}{
		{"no records", nil, "", ""},
		{"only started", []ProcessRecord{{UserID: "u1", Type: "START_PROCESS_INSTANCE"}}, "", ""},
		{"one approver", []ProcessRecord{
			{UserID: "u1", Type: "START_PROCESS_INSTANCE"},
			{UserID: "u2", Type: "EXECUTE_TASK_NORMAL", Result: "AGREE", Remark: "同意"},
		}, "u2", "同意"},
		{"the last of two approvers", []ProcessRecord{
			{UserID: "u1", Type: "START_PROCESS_INSTANCE"},
			{UserID: "u2", Type: "EXECUTE_TASK_NORMAL", Result: "AGREE", Remark: "同意"},
			{UserID: "u3", Type: "EXECUTE_TASK_NORMAL", Result: "REFUSE", Remark: "超预算"},
		}, "u3", "超预算"},
		{"an agent decided", []ProcessRecord{
			{UserID: "u2", Type: "EXECUTE_TASK_NORMAL", Remark: "first"},
			{UserID: "u4", Type: "EXECUTE_TASK_AGENT", Remark: "代理审批"},
		}, "u4", "代理审批"},
		{"a later comment is not a decision", []ProcessRecord{
			{UserID: "u2", Type: "EXECUTE_TASK_NORMAL", Remark: "同意"},
			{UserID: "u5", Type: "ADD_REMARK", Remark: "已阅"},
		}, "u2", "同意"},
	}
	for _, c := range cases {
		u, r := ProcessInstance{Records: c.records}.Decider()
		if u != c.wantUser || r != c.remark {
			t.Errorf("%s: Decider = %q %q, want %q %q", c.name, u, r, c.wantUser, c.remark)
		}
	}
}
