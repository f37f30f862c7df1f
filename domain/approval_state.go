package domain

import "time"

// The approval's life (审批): pending until it is decided, or cancelled with
// its document. Like the order's steps, each method checks the step, makes
// it and bumps the version once.

func (a Approval) checkPending() error {
	if a.Status != ApprovalPending {
		return ErrInvalidState.WithMessage("审批 %s 已是 %s 状态", a.DocNumber, a.Status)
	}
	return nil
}

// Decide records a decision on a pending approval: by whom (nil when
// DingTalk decided for someone the ERP does not know), when, and the
// comment (审批意见).
func (a *Approval) Decide(approve bool, by *int64, at time.Time, comment string) error {
	if err := a.checkPending(); err != nil {
		return err
	}
	a.Status = ApprovalRejected
	if approve {
		a.Status = ApprovalApproved
	}
	a.DecidedBy, a.DecidedAt, a.Comment = by, &at, comment
	a.Version++
	return nil
}

// Cancel ends a pending approval undecided: its document was cancelled, or
// its requester withdrew it in DingTalk (撤销). An empty comment keeps the
// one it has.
func (a *Approval) Cancel(comment string) error {
	if err := a.checkPending(); err != nil {
		return err
	}
	a.Status = ApprovalCancelled
	if comment != "" {
		a.Comment = comment
	}
	a.Version++
	return nil
}

// Reroute moves a pending approval to another channel, saying why in its
// reason (e.g. DingTalk refused to start the OA instance: the ERP inbox
// decides it instead). The reason keeps to its 255 characters.
func (a *Approval) Reroute(channel, why string) error {
	if err := a.checkPending(); err != nil {
		return err
	}
	a.Channel = channel
	a.Reason = ClipRunes(a.Reason+why, 255)
	a.Version++
	return nil
}

// Link records the DingTalk OA instance that decides the approval. It is
// linked whatever its state: an instance started for an approval cancelled
// meanwhile must be known to be withdrawn.
func (a *Approval) Link(externalID string) {
	a.ExternalID = externalID
	a.Version++
}
