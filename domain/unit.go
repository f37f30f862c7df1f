package domain

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Unit is a unit of measure (计量单位). A derived unit is a whole multiple of
// its base unit: 箱 with base 个 and ratio 12 means one 箱 holds 12 个. Stock is
// always kept in a product's base unit; derived units convert at the edges.
type Unit struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	BaseUnitID *int64          `json:"base_unit_id"`
	Ratio      decimal.Decimal `json:"ratio"`
	Version    int             `json:"version"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Validate checks a unit's own fields.
func (u *Unit) Validate() error {
	u.Name = strings.TrimSpace(u.Name)
	if err := CheckText("name", u.Name, false); err != nil {
		return err
	}
	if u.Name == "" || len([]rune(u.Name)) > 32 {
		return Invalid("name", "单位名称必填，最长 32 字")
	}
	if u.BaseUnitID == nil {
		if u.Ratio.IsZero() {
			u.Ratio = decimal.NewFromInt(1)
		}
		if !u.Ratio.Equal(decimal.NewFromInt(1)) {
			return Invalid("ratio", "基本单位的换算率必须为 1")
		}
		return nil
	}
	if u.ID != 0 && *u.BaseUnitID == u.ID {
		return Invalid("base_unit_id", "单位不能以自身为基本单位")
	}
	if !u.Ratio.IsPositive() || u.Ratio.Equal(decimal.NewFromInt(1)) {
		return Invalid("ratio", "换算率必须大于 0 且不为 1")
	}
	return CheckScale("ratio", u.Ratio, QtyScale)
}

// BaseID is the id of the unit this one counts in.
func (u Unit) BaseID() int64 {
	if u.BaseUnitID != nil {
		return *u.BaseUnitID
	}
	return u.ID
}

// ToBase converts a quantity in u into u's base unit: 2 箱 → 24 个.
func (u Unit) ToBase(qty decimal.Decimal) decimal.Decimal {
	if u.BaseUnitID == nil {
		return qty
	}
	return qty.Mul(u.Ratio)
}

// ConvertQty converts qty from one unit to another of the same base. The
// result must be exact at the quantity scale (4 places) whichever way it
// goes, out of the base unit (1 个 → 0.08333… 箱) or into it (0.0001 斤 →
// 0.00005 千克): an inexact conversion is refused rather than rounded
// silently, since stock is kept at that scale.
func ConvertQty(qty decimal.Decimal, from, to Unit) (decimal.Decimal, error) {
	if from.BaseID() != to.BaseID() {
		return Zero, Errorf(KindInvalid, CodeValidation, "单位 %s 与 %s 不能换算", from.Name, to.Name)
	}
	base := from.ToBase(qty)
	out := base
	if to.BaseUnitID != nil {
		out = base.Div(to.Ratio)
	}
	// Either direction can leave the quantity scale: 1 个 → 0.08333… 箱 by
	// division (which Div also cuts off, hence the way back), and
	// 0.0001 斤 → 0.00005 千克 by multiplication into the base unit.
	if !to.ToBase(out).Equal(base) || !out.Equal(RoundQty(out)) {
		return Zero, Errorf(KindInvalid, CodeValidation, "%s %s 不能整换为 %s", qty, from.Name, to.Name)
	}
	return out, nil
}
