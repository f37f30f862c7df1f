package domain

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var importTestColumns = []ImportColumn{
	{Header: "商品编码", Field: "sku", Required: true},
	{Header: "商品名称", Field: "name", Required: true},
	{Header: "规格", Field: "spec"},
}

func TestReadImportSheet(t *testing.T) {
	tests := []struct {
		name  string
		table [][]string
		rows  []map[string]string
		lines []int
		err   string // part of the refusal's message; empty: read
	}{
		{"OK Chinese headers with stars", [][]string{{"商品编码*", "商品名称*", "规格"}, {" A1 ", "水", ""}},
			[]map[string]string{{"sku": "A1", "name": "水", "spec": ""}}, []int{2}, ""},
		{"OK field names in any case, BOM, unknown columns", [][]string{{"\uFEFFSKU", "备注", " name "}, {"A1", "x", "水"}},
			[]map[string]string{{"sku": "A1", "name": "水"}}, []int{2}, ""},
		{"OK blank rows skipped, numbers kept", [][]string{{"商品编码", "商品名称"}, {"", " "}, {"A2", "茶"}, {}, {"A3", ""}},
			[]map[string]string{{"sku": "A2", "name": "茶"}, {"sku": "A3", "name": ""}}, []int{3, 5}, ""},
		{"OK short rows", [][]string{{"商品编码", "商品名称", "规格"}, {"A1"}},
			[]map[string]string{{"sku": "A1"}}, []int{2}, ""},
		{"OK only blank rows", [][]string{{"商品编码", "商品名称"}, {"", ""}}, nil, nil, ""},
		{"ErrEmpty", nil, nil, nil, "没有数据行"},
		{"ErrHeaderOnly", [][]string{{"商品编码", "商品名称"}}, nil, nil, "没有数据行"},
		{"ErrMissingRequired", [][]string{{"商品编码", "规格"}, {"A1", "x"}}, nil, nil, "缺少必填列“商品名称”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadImportSheet(tt.table, importTestColumns)
			if tt.err != "" {
				e := AsError(err)
				if e == nil || e.Kind != KindInvalid || e.Field != "file" || !strings.Contains(e.Message, tt.err) {
					t.Fatalf("ReadImportSheet = %v, want a file error %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Rows, tt.rows) || !reflect.DeepEqual(s.Lines, tt.lines) {
				t.Fatalf("rows %v lines %v, want %v %v", s.Rows, s.Lines, tt.rows, tt.lines)
			}
		})
	}
	t.Run("ErrTooManyRows", func(t *testing.T) {
		table := make([][]string, MaxImportRows+2)
		table[0] = []string{"商品编码", "商品名称"}
		if _, err := ReadImportSheet(table, importTestColumns); err == nil || !strings.Contains(AsError(err).Message, "20000") {
			t.Fatalf("ReadImportSheet = %v", err)
		}
		if _, err := ReadImportSheet(table[:MaxImportRows+1], importTestColumns); err != nil {
			t.Fatalf("%d rows are allowed: %v", MaxImportRows, err)
		}
	})
}

func TestImportSheetColumn(t *testing.T) {
	s, err := ReadImportSheet([][]string{{"sku", "name"}, {"A1", "水"}}, importTestColumns)
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{"sku": "商品编码", "spec": "规格", "unit_id": "unit_id", "": ""} {
		if got := s.Column(field); got != want {
			t.Errorf("Column(%q) = %q, want %q", field, got, want)
		}
	}
}

func TestImportErrorCell(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		fieldMap map[string]string
		field    string
		msg      string
		fault    bool
	}{
		{"validation on its column", Invalid("sku", "编码必填"), nil, "sku", "编码必填", false},
		{"renamed field", Invalid("unit_id", "单位停用"), map[string]string{"unit_id": "unit"}, "unit", "单位停用", false},
		{"nested field, last part", Invalid("lines[2].batch", "批次必填"), nil, "batch", "批次必填", false},
		{"renamed nested field", Invalid("lines[0].unit_cost", "成本为负"), map[string]string{"lines[0].unit_cost": "unit_cost"}, "unit_cost", "成本为负", false},
		{"a rule on the row", &Error{Kind: KindConflict, Code: CodeDuplicate, Message: "记录已存在"}, nil, "", "记录已存在", false},
		{"wrapped", errors.Join(errors.New("ctx"), Invalid("qty", "数量为零")), nil, "qty", "数量为零", false},
		{"internal is a fault", &Error{Kind: KindInternal, Message: "x"}, nil, "", "", true},
		{"unavailable is a fault", &Error{Kind: KindUnavailable, Code: CodeDeadlock}, nil, "", "", true},
		{"plain error is a fault", errors.New("disk full"), nil, "", "", true},
	}
	for _, tt := range tests {
		field, msg, fault := ImportErrorCell(tt.err, tt.fieldMap)
		if field != tt.field || msg != tt.msg || fault != tt.fault {
			t.Errorf("%s: %q %q %v, want %q %q %v", tt.name, field, msg, fault, tt.field, tt.msg, tt.fault)
		}
	}
}

func TestImportLimits(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		tooLarge bool
	}{
		{"file at the limit", CheckImportFileSize(MaxImportFileBytes), false},
		{"file over the limit", CheckImportFileSize(MaxImportFileBytes + 1), true},
		{"parts within", CheckImportUnzipped([]uint64{1 << 20, MaxImportUnzippedBytes - 1<<20}), false},
		{"parts adding up over", CheckImportUnzipped([]uint64{MaxImportUnzippedBytes / 2, MaxImportUnzippedBytes/2 + 1}), true},
		{"one 1.3 GB part", CheckImportUnzipped([]uint64{1300 << 20}), true},
		{"a part that wraps the sum", CheckImportUnzipped([]uint64{1, ^uint64(0)}), true},
	} {
		e := AsError(c.err)
		if got := e != nil && e.Code == CodeImportTooLarge && e.Field == "file" && e.Kind == KindInvalid; got != c.tooLarge || (e == nil) == c.tooLarge {
			t.Errorf("%s: %v", c.name, c.err)
		}
	}
}

func TestImportTable(t *testing.T) {
	var tb ImportTable
	if err := tb.Add([]string{"sku"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < MaxImportRows; i++ {
		row := []string{"A"}
		if i%2 == 1 {
			row = []string{" ", ""} // blank rows between data rows count
		}
		if err := tb.Add(row); err != nil {
			t.Fatalf("row %d: %v", i+2, err)
		}
	}
	for i := 0; i < 3*MaxImportRows; i++ { // trailing blank rows are free
		if err := tb.Add(nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(tb.Rows) != MaxImportRows { // the last blank row is trailing
		t.Fatalf("%d rows kept", len(tb.Rows))
	}
	if err := tb.Add([]string{"B"}); AsError(err) == nil || AsError(err).Code != CodeImportTooLarge {
		t.Fatalf("row %d: %v", MaxImportRows+2, err)
	}
	var blanks ImportTable
	for i := 0; i < MaxImportScannedRows; i++ {
		if err := blanks.Add(nil); err != nil {
			t.Fatalf("blank row %d: %v", i+1, err)
		}
	}
	if err := blanks.Add(nil); AsError(err) == nil || AsError(err).Code != CodeImportTooLarge {
		t.Fatalf("blank row %d: %v", MaxImportScannedRows+1, err)
	}
	wide := make([]string, 16384)
	wide[16383] = "x"
	var w ImportTable
	if err := w.Add(append([]string{"sku"}, wide...)); err != nil || len(w.Rows[0]) != MaxImportColumns {
		t.Fatalf("a 16,385-cell row: %v, %d cells kept", err, len(w.Rows[0]))
	}
}
