package app

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
)

// FuzzReadTable: any file, said to be CSV, XLSX or nothing, is read into
// rows or refused on the file field with a domain error, never a panic;
// CSV cells that come back are valid UTF-8 (a GBK file is refused, not
// garbled).
func FuzzReadTable(f *testing.F) {
	for _, kind := range ImportKinds() {
		for _, format := range []string{"xlsx", "csv"} {
			b, _, err := ImportTemplate(kind, format)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, format)
		}
	}
	for _, s := range []string{"sku,name\n\"a,b\n", "PK\x03\x04garbage", "\xef\xbb\xbfsku,name\nA1,水\n", "\xb9\xfa\xbc\xd2,x\n", "a\r\nb,\"\"\"\",c\n", ""} {
		f.Add([]byte(s), "")
	}
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		if format != "xlsx" && format != "csv" {
			format = ""
		}
		rows, err := readTable(bytes.NewReader(data), format)
		if err != nil {
			if de := domain.AsError(err); de == nil || de.Field != "file" || de.Kind != domain.KindInvalid {
				t.Fatalf("refusal %v is not a validation error on the file", err)
			}
			return
		}
		if format == "csv" {
			for _, r := range rows {
				for _, c := range r {
					if !utf8.ValidString(c) {
						t.Fatalf("invalid UTF-8 cell %q", c)
					}
				}
			}
		}
	})
}

// FuzzParseDec: an import cell is a number (thousands separators and, for
// rates, a percent sign allowed) or refused; what is accepted reads back as
// the same decimal.
func FuzzParseDec(f *testing.F) {
	for _, s := range []string{"1,234.50", "13%", "-0.001", "1e3", "1e10001", "abc", "", "%", "1,,2", "٣"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, pct bool) {
		d, err := parseDec(s, pct)
		if err != nil || d == nil {
			return
		}
		back, err := decimal.NewFromString(d.String())
		if err != nil || !back.Equal(*d) {
			t.Fatalf("%q parsed as %s, which reads back as %v (%v)", s, d, back, err)
		}
	})
}
