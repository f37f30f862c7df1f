package domain

// Who may decide an approval, wherever the decision is made: the ERP inbox,
// an approval card, or a DingTalk OA instance. DingTalk's own routing is
// configured by people and can put anyone on an OA template, so the ERP
// checks every decision it is told about against the same rule.

// Refusal reasons of CheckDecider, in the error's Details["refusal"]: they
// are written to the audit log, and programs may switch on them.
const (
	RefusalUnknownDecider = "decider_unknown"      // no active ERP user behind the DingTalk account
	RefusalRequester      = "decider_is_requester" // the requester decided their own request
	RefusalNotApprover    = "decider_not_approver" // lacks approval:decide or the routed role
	RefusalOutOfScope     = "decider_out_of_scope" // the document is outside the decider's data scope
)

// CheckDecider says whether a decision on the approval by decider is
// acceptable: decider is an active ERP user (nil: the DingTalk account is
// linked to none), not the requester, holds approval:decide and the routed
// role (or is an administrator), and has the document in their data scope
// (inScope, which the caller works out from the department tree). It
// returns nil to accept, else a forbidden error whose message says why in
// zh-CN and whose Details["refusal"] is one of the Refusal reasons.
func (a Approval) CheckDecider(decider *User, inScope bool) error {
	refuse := func(reason, format string, args ...any) error {
		return ErrForbidden.WithMessage(format, args...).WithDetails(map[string]any{"refusal": reason})
	}
	switch {
	case decider == nil || decider.Status != UserActive:
		return refuse(RefusalUnknownDecider, "审批人的钉钉账号未绑定可用的 ERP 用户")
	case decider.ID == a.RequestedBy && decider.ID != 0:
		return refuse(RefusalRequester, "不能审批自己提交的单据")
	case !decider.Can(PermApprove) || !a.CanDecide(*decider):
		return refuse(RefusalNotApprover, "%s 没有审批权限：该审批需由 %s 审批", decider.Name, a.Role)
	case !inScope:
		return refuse(RefusalOutOfScope, "单据 %s 不在 %s 的数据范围内", a.DocNumber, decider.Name)
	}
	return nil
}

// RefusalOf returns the refusal reason of an error from CheckDecider, or
// "" for any other error.
func RefusalOf(err error) string {
	if e := AsError(err); e != nil && e.Code == CodeForbidden {
		if r, ok := e.Details["refusal"].(string); ok {
			return r
		}
	}
	return ""
}
