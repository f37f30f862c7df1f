package domain

import (
	"strings"
	"testing"
)

func unitPtr(id int64) *int64 { return &id }

func TestUnitValidate(t *testing.T) {
	cases := []struct {
		name      string
		unit      Unit
		wantField string // "" when valid
		wantRatio string // the ratio after Validate, when valid
	}{
		{"base unit without ratio gets 1", Unit{Name: "个"}, "", "1"},
		{"base unit with ratio 1", Unit{Name: "千克", Ratio: d("1")}, "", "1"},
		{"base unit with another ratio", Unit{Name: "个", Ratio: d("12")}, "ratio", ""},
		{"name trimmed to empty", Unit{Name: "   "}, "name", ""},
		{"name of 32 runes", Unit{Name: strings.Repeat("箱", 32)}, "", "1"},
		{"name of 33 runes", Unit{Name: strings.Repeat("箱", 33)}, "name", ""},
		{"derived 箱 of 12 个", Unit{ID: 2, Name: "箱", BaseUnitID: unitPtr(1), Ratio: d("12")}, "", "12"},
		{"derived fraction 斤 = 0.5 千克", Unit{Name: "斤", BaseUnitID: unitPtr(1), Ratio: d("0.5")}, "", "0.5"},
		{"derived ratio at 4 places", Unit{Name: "卷", BaseUnitID: unitPtr(1), Ratio: d("2.5001")}, "", "2.5001"},
		{"derived ratio at 5 places", Unit{Name: "卷", BaseUnitID: unitPtr(1), Ratio: d("2.50001")}, "ratio", ""},
		{"derived ratio 1", Unit{Name: "件", BaseUnitID: unitPtr(1), Ratio: d("1")}, "ratio", ""},
		{"derived ratio 0", Unit{Name: "包", BaseUnitID: unitPtr(1)}, "ratio", ""},
		{"derived ratio negative", Unit{Name: "包", BaseUnitID: unitPtr(1), Ratio: d("-12")}, "ratio", ""},
		{"derived from itself", Unit{ID: 5, Name: "箱", BaseUnitID: unitPtr(5), Ratio: d("12")}, "base_unit_id", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := c.unit
			err := u.Validate()
			if c.wantField != "" {
				if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
					t.Fatalf("Validate = %v, want an error on %s", err, c.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate = %v", err)
			}
			mustEq(t, "ratio", u.Ratio, d(c.wantRatio))
		})
	}
	u := Unit{Name: "  箱 "}
	if err := u.Validate(); err != nil || u.Name != "箱" {
		t.Fatalf("name not trimmed: %q %v", u.Name, err)
	}
}

func TestUnitBaseAndConvert(t *testing.T) {
	ge := Unit{ID: 1, Name: "个", Ratio: d("1")}
	xiang := Unit{ID: 2, Name: "箱", BaseUnitID: unitPtr(1), Ratio: d("12")}
	he := Unit{ID: 3, Name: "盒", BaseUnitID: unitPtr(1), Ratio: d("6")}
	bao := Unit{ID: 4, Name: "包", BaseUnitID: unitPtr(1), Ratio: d("3")}
	kg := Unit{ID: 10, Name: "千克", Ratio: d("1")}
	jin := Unit{ID: 11, Name: "斤", BaseUnitID: unitPtr(10), Ratio: d("0.5")}

	for _, c := range []struct {
		u    Unit
		base int64
	}{{ge, 1}, {xiang, 1}, {kg, 10}, {jin, 10}} {
		if c.u.BaseID() != c.base {
			t.Errorf("%s.BaseID() = %d, want %d", c.u.Name, c.u.BaseID(), c.base)
		}
	}
	mustEq(t, "2 箱 in 个", xiang.ToBase(d("2")), d("24"))
	mustEq(t, "3 个 in 个", ge.ToBase(d("3")), d("3"))
	mustEq(t, "3 斤 in 千克", jin.ToBase(d("3")), d("1.5"))

	cases := []struct {
		name     string
		qty      string
		from, to Unit
		want     string // "" when refused
	}{
		{"箱 → 个", "2", xiang, ge, "24"},
		{"个 → 箱 exact", "36", ge, xiang, "3"},
		{"个 → 箱 not whole", "1", ge, xiang, ""},
		{"个 → 箱 at 4 places", "3", ge, xiang, "0.25"},
		{"箱 → 盒 via the base", "2", xiang, he, "4"},
		{"盒 → 箱 half", "1", he, xiang, "0.5"},
		{"个 → 包 one third", "1", ge, bao, ""},
		{"个 → 个", "7.5", ge, ge, "7.5"},
		{"千克 → 斤", "1", kg, jin, "2"},
		{"斤 → 千克", "3", jin, kg, "1.5"},
		{"斤 → 千克 at 4 places", "0.0002", jin, kg, "0.0001"},
		{"斤 → 千克 past 4 places", "0.0001", jin, kg, ""},
		{"箱 → 个 past 4 places", "0.00001", xiang, ge, ""},
		{"个 → 个 past 4 places", "1.00001", ge, ge, ""},
		{"个 → 千克 different base", "1", ge, kg, ""},
		{"箱 → 斤 different base", "1", xiang, jin, ""},
	}
	for _, c := range cases {
		got, err := ConvertQty(d(c.qty), c.from, c.to)
		if c.want == "" {
			e := AsError(err)
			if e == nil || e.Kind != KindInvalid || e.Code != CodeValidation || !strings.Contains(e.Message, c.from.Name) ||
				!strings.Contains(e.Message, c.to.Name) || !got.IsZero() {
				t.Errorf("%s: ConvertQty = %s, %v; want refused naming both units", c.name, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s: ConvertQty = %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}
