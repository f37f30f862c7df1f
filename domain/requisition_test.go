package domain

import (
	"strings"
	"testing"
)

func TestRequisitionValidate(t *testing.T) {
	line := func(pid int64, qty string) RequisitionLine { return RequisitionLine{ProductID: pid, Qty: d(qty)} }
	cases := []struct {
		name      string
		req       Requisition
		wantField string
	}{
		{"one line", Requisition{WarehouseID: 1, Lines: []RequisitionLine{line(1, "10")}}, ""},
		{"remark of 500", Requisition{WarehouseID: 1, Remark: strings.Repeat("急", 500), Lines: []RequisitionLine{line(1, "1")}}, ""},
		{"no warehouse", Requisition{Lines: []RequisitionLine{line(1, "10")}}, "warehouse_id"},
		{"no lines", Requisition{WarehouseID: 1}, "lines"},
		{"no product", Requisition{WarehouseID: 1, Lines: []RequisitionLine{line(1, "1"), line(0, "1")}}, "lines[1].product_id"},
		{"same product twice", Requisition{WarehouseID: 1, Lines: []RequisitionLine{line(1, "1"), line(2, "1"), line(1, "3")}}, "lines[2].product_id"},
		{"zero qty", Requisition{WarehouseID: 1, Lines: []RequisitionLine{line(1, "0")}}, "lines[0].qty"},
		{"qty at 5 places", Requisition{WarehouseID: 1, Lines: []RequisitionLine{line(1, "1.00001")}}, "lines[0].qty"},
		{"remark of 501", Requisition{WarehouseID: 1, Remark: strings.Repeat("急", 501), Lines: []RequisitionLine{line(1, "1")}}, "remark"},
	}
	for _, c := range cases {
		err := c.req.Validate()
		if c.wantField == "" {
			if err != nil {
				t.Errorf("%s: Validate = %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
			t.Errorf("%s: Validate = %v, want an error on %s", c.name, err, c.wantField)
		}
	}
}

func TestRequisitionHasProduct(t *testing.T) {
	r := Requisition{Lines: []RequisitionLine{{ProductID: 3}, {ProductID: 8}}}
	for pid, want := range map[int64]bool{3: true, 8: true, 4: false, 0: false} {
		if r.HasProduct(pid) != want {
			t.Errorf("HasProduct(%d) = %v", pid, !want)
		}
	}
	if (&Requisition{}).HasProduct(3) {
		t.Error("an empty requisition has no products")
	}
}
