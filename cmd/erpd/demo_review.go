package main

import (
	"context"
	"fmt"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// seedDemoReviews has 赵会计 review (审核) the opening stock vouchers
// (期初), so the voucher list shows both states: the week's trade waits for
// review.
func seedDemoReviews(ctx context.Context, a *app.App) error {
	users, err := a.ListUsers(ctx, app.ListParams{Q: "caiwu"}, "")
	if err != nil || len(users.Items) != 1 {
		return fmt.Errorf("demo accountant: %v", err)
	}
	acct := app.WithActor(ctx, users.Items[0])
	vs, err := a.ListVouchers(acct, store.VoucherFilter{Source: domain.DocOpening}, app.ListParams{PageSize: 100})
	if err != nil {
		return err
	}
	for _, v := range vs.Items {
		if _, err := a.ReviewVoucher(acct, v.ID); err != nil {
			return fmt.Errorf("demo review %s: %w", v.Number, err)
		}
	}
	return nil
}
