package domain

import "time"

// Voucher review (凭证审核): a voucher is prepared (制单) by whoever books it
// and reviewed (审核) by a second person before the month is closed, the
// 不相容职务分离 of 会计基础工作规范 (财会字[1996]19号) art. 51: the
// preparer never reviews his own voucher. A reviewed voucher is frozen —
// not reversed — until it is un-reviewed (取消审核).

// Voucher review error codes.
const (
	// CodeReviewerIsPreparer: the preparer tried to review or un-review his
	// own voucher (制单人与审核人不能为同一人).
	CodeReviewerIsPreparer = "reviewer_is_preparer"
	// CodeVoucherReviewed: the voucher is already reviewed (审核), so it
	// cannot be reviewed again, reversed or changed until un-reviewed.
	CodeVoucherReviewed = "voucher_reviewed"
	// CodeVoucherNotReviewed: un-review of a voucher nobody reviewed.
	CodeVoucherNotReviewed = "voucher_not_reviewed"
	// CodeUnreviewedVouchers: closing a month that still has unreviewed
	// vouchers while finance.review_required is on; details.count says how
	// many.
	CodeUnreviewedVouchers = "unreviewed_vouchers"
)

// Review marks v reviewed by reviewer at. The preparer may not review his
// own voucher, and a voucher is reviewed once.
func (v *Voucher) Review(reviewer int64, at time.Time) error {
	if v.ReviewedBy != nil {
		return Errorf(KindConflict, CodeVoucherReviewed, "%s 已审核", v.Number)
	}
	if reviewer == v.CreatedBy {
		return Errorf(KindForbidden, CodeReviewerIsPreparer, "制单人不能审核自己编制的凭证 %s，请由其他财务人员审核", v.Number)
	}
	v.ReviewedBy, v.ReviewedAt = &reviewer, &at
	return nil
}

// Unreview takes back v's review (取消审核), done like the review by someone
// other than the preparer. In a closed month it is refused: the month's
// books were closed on reviewed vouchers, so it must be reopened first.
func (v *Voucher) Unreview(by int64, periodClosed bool) error {
	if v.ReviewedBy == nil {
		return Errorf(KindConflict, CodeVoucherNotReviewed, "%s 未审核，无需取消审核", v.Number)
	}
	if by == v.CreatedBy {
		return Errorf(KindForbidden, CodeReviewerIsPreparer, "制单人不能取消审核自己编制的凭证 %s", v.Number)
	}
	if periodClosed {
		return Errorf(KindConflict, CodePeriodClosed, "%s 已结账，请先反结账再取消审核", v.Period)
	}
	v.ReviewedBy, v.ReviewedAt = nil, nil
	return nil
}

// CheckReviewedForClose refuses closing a month with unreviewed vouchers
// when review is required (finance.review_required).
func CheckReviewedForClose(period string, required bool, unreviewed int64) error {
	if !required || unreviewed == 0 {
		return nil
	}
	return Errorf(KindConflict, CodeUnreviewedVouchers, "%s 还有 %d 张凭证未审核，审核后才能结账", period, unreviewed).
		WithDetails(map[string]any{"count": unreviewed, "period": period})
}
