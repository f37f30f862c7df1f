package app

import (
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// The checklist items (结账检查) of voucher review and of going live, added
// through closingChecks. ClosePeriod refuses on the same facts first with
// their own codes (unreviewed_vouchers, openings_unbalanced), so the
// checklist shows what the closing would say.
func init() {
	closingChecks = append(closingChecks, unreviewedCheck, openingsCheck)
}

// unreviewedCheck counts the month's unreviewed vouchers: blocking when
// finance.review_required is on, info otherwise.
func unreviewedCheck(a *App, q store.Q, period string) (*domain.ChecklistItem, error) {
	n, err := store.CountUnreviewedVouchers(q, period)
	if err != nil {
		return nil, err
	}
	fs, err := a.financeSettings(q)
	if err != nil {
		return nil, err
	}
	it := domain.UnreviewedItem(fs.ReviewRequired, n)
	return &it, nil
}

// openingsCheck is the openings' 试算平衡 when period is the start period
// (nothing on any other month).
func openingsCheck(a *App, q store.Q, period string) (*domain.ChecklistItem, error) {
	start, err := store.StartPeriod(q)
	if err != nil || start != period {
		return nil, err
	}
	err = checkOpeningsAt(q, period)
	if e := domain.AsError(err); err != nil && (e == nil || e.Code != domain.CodeOpeningsUnbalanced) {
		return nil, err
	}
	it := domain.OpeningsItem(err)
	return &it, nil
}
