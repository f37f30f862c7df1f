package store

import "time"

// m300Voucher is the vouchers table's review columns (issue 20 §5): who
// reviewed a voucher (审核人) and when. Frozen as migration
// 202612070300_review_voucher_review created them.
type m300Voucher struct {
	ReviewedBy *int64 `gorm:"column:reviewed_by"`
	ReviewedAt *time.Time
}

func (m300Voucher) TableName() string { return "vouchers" }
