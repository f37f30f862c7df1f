package app

import (
	"context"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// FinanceSettings are the books' settings: the configuration's finance.*
// until an accountant saves them in the console (PUT /finance-settings).
type FinanceSettings = domain.FinanceSettings

// FinanceSettingsInput is the body of PUT /finance-settings: omitted fields
// keep their value; Version is the one read (0: not checked).
type FinanceSettingsInput struct {
	CompanyName    *string `json:"company_name"`
	ReviewRequired *bool   `json:"review_required"`
	Version        int     `json:"version"`
}

// GetFinanceSettings returns the books' settings, for anyone who may read
// the books (the console prints the company name on statements).
func (a *App) GetFinanceSettings(ctx context.Context) (*FinanceSettings, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	s, err := a.financeSettings(a.store.Read(ctx))
	if err != nil {
		return nil, err
	}
	s.BillAt = a.billAt
	return &s, nil
}

// UpdateFinanceSettings saves the books' settings (财务设置), with the
// ledger administrator's permission: whether closing requires review is
// the same decision as closing itself.
func (a *App) UpdateFinanceSettings(ctx context.Context, in FinanceSettingsInput) (*FinanceSettings, error) {
	if _, err := require(ctx, domain.PermLedgerAdmin); err != nil {
		return nil, err
	}
	var out FinanceSettings
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		saved, err := tx.LockFinanceSettings()
		if err != nil {
			return err
		}
		before := a.finance
		if saved != nil {
			before = *saved
		}
		if err := domain.CheckVersion(before.Version, in.Version); err != nil {
			return err
		}
		after := before
		if in.CompanyName != nil {
			after.CompanyName = *in.CompanyName
		}
		if in.ReviewRequired != nil {
			after.ReviewRequired = *in.ReviewRequired
		}
		if err := domain.CheckFinanceSettings(&after); err != nil {
			return err
		}
		after.Version = before.Version + 1
		if err := tx.SaveFinanceSettings(after); err != nil {
			return err
		}
		out = after
		return audit(ctx, tx, "update", "finance_settings", 0, before, after)
	})
	if err != nil {
		return nil, err
	}
	out.BillAt = a.billAt
	return &out, nil
}

// financeSettings are the saved settings, or the configuration's before
// any save.
func (a *App) financeSettings(q store.Q) (FinanceSettings, error) {
	s, err := store.FinanceSettings(q)
	if err != nil || s == nil {
		return a.finance, err
	}
	s.BillAt = "" // the configuration's, not a save's
	return *s, nil
}

// ReviewVoucher reviews a voucher (审核): someone other than its preparer,
// with the ledger administrator's permission (the same as closing, since
// review is what closing relies on when it is required).
func (a *App) ReviewVoucher(ctx context.Context, id int64) (*domain.Voucher, error) {
	return a.setReview(ctx, id, true)
}

// UnreviewVoucher takes a review back (取消审核), so the voucher may be
// reversed again; refused in a closed month.
func (a *App) UnreviewVoucher(ctx context.Context, id int64) (*domain.Voucher, error) {
	return a.setReview(ctx, id, false)
}

func (a *App) setReview(ctx context.Context, id int64, review bool) (*domain.Voucher, error) {
	actor, err := require(ctx, domain.PermLedgerAdmin)
	if err != nil {
		return nil, err
	}
	var out *domain.Voucher
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		v, err := store.GetVoucher(tx, id)
		if err != nil {
			return err
		}
		// The period row first, as closing takes it: an un-review and a
		// closing that counts unreviewed vouchers never cross.
		p, err := tx.LockPeriod(v.Period)
		if err != nil {
			return err
		}
		action := "review"
		if review {
			err = v.Review(actor.ID, tx.Now)
		} else {
			action = "unreview"
			err = v.Unreview(actor.ID, p.Status == store.PeriodClosed)
		}
		if err != nil {
			return err
		}
		if err := tx.SetVoucherReview(v, !review); err != nil {
			return err
		}
		out = v
		return audit(ctx, tx, action, "voucher", v.ID, nil, map[string]any{"number": v.Number, "period": v.Period})
	})
	if err != nil {
		return nil, err
	}
	if err := a.nameVouchers(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CountUnreviewedVouchers counts a period's unreviewed vouchers, for the
// closing checklist (结账检查).
func (a *App) CountUnreviewedVouchers(ctx context.Context, period string) (int64, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return 0, err
	}
	if !domain.ValidPeriod(period) {
		return 0, domain.Invalid("period", "期间格式应为 YYYY-MM")
	}
	return store.CountUnreviewedVouchers(a.store.Read(ctx), period)
}

// nameVouchers fills the preparer's (制单人) and reviewer's (审核人) names.
func (a *App) nameVouchers(ctx context.Context, vs ...*domain.Voucher) error {
	var ids []int64
	for _, v := range vs {
		ids = append(ids, v.CreatedBy)
		if v.ReviewedBy != nil {
			ids = append(ids, *v.ReviewedBy)
		}
	}
	names, err := store.UserNames(a.store.Read(ctx), ids)
	if err != nil {
		return err
	}
	for _, v := range vs {
		v.CreatedByName = names[v.CreatedBy]
		if v.CreatedBy == System.ID {
			// Generated by erpd itself (the demo, an upgrade's adjustment).
			v.CreatedByName = System.Name
		}
		if v.ReviewedBy != nil {
			v.ReviewedByName = names[*v.ReviewedBy]
		}
	}
	return nil
}
