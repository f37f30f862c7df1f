package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// ImportColumn is one column of an import template (domain.ImportColumn).
type ImportColumn = domain.ImportColumn

// RowError is one problem in one cell of an import file. Row is the
// spreadsheet row (the header is row 1).
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportResult reports a finished import.
type ImportResult struct {
	Kind    string `json:"kind"`
	Rows    int    `json:"rows"`
	Created int    `json:"created"`
	DryRun  bool   `json:"dry_run"`
}

// ErrImportInvalid carries the per-row error report of a refused import.
var ErrImportInvalid = &domain.Error{Kind: domain.KindInvalid, Code: "import_invalid"}

// MaxImportRows bounds one file.
const MaxImportRows = domain.MaxImportRows

type importKind struct {
	title   string
	perm    domain.Permission
	columns []ImportColumn
	// run writes the rows in tx, reporting each row's problem to bad.
	run func(a *App, ctx context.Context, tx *store.Tx, rows []map[string]string, bad func(row int, field, msg string)) (int, error)
}

// col is a template column: header, field, required, hint.
func col(header, field string, required bool, hint string) ImportColumn {
	return ImportColumn{Header: header, Field: field, Required: required, Hint: hint}
}

var importKinds = map[string]importKind{
	"products": {title: "商品导入模板", perm: domain.PermMasterWrite, columns: []ImportColumn{
		col("商品编码", "sku", true, "字母、数字、_ . -"), col("商品名称", "name", true, ""), col("规格", "spec", false, ""),
		col("单位", "unit", true, "已有单位名称，如 个、箱"), col("分类编码", "category", false, "已有分类编码"), col("条码", "barcode", false, ""),
		col("税率", "tax_rate", false, "0.13 或 13%，默认 13%"),
		col("批次管理", "batch_tracked", false, "是/否，默认否")},
		run: importProducts},
	"partners": {title: "往来单位导入模板", perm: domain.PermMasterWrite, columns: []ImportColumn{
		col("编码", "code", true, ""), col("名称", "name", true, ""), col("类型", "type", true, "供应商/客户/供应商及客户"),
		col("联系人", "contact", false, ""), col("电话", "phone", false, ""), col("地址", "address", false, ""),
		col("信用额度", "credit_limit", false, "0 或空表示不限"), col("账期天数", "payment_terms_days", false, "整数")},
		run: importPartners},
	"opening-stock": {title: "期初库存导入模板", perm: domain.PermStockWrite, columns: []ImportColumn{
		col("仓库编码", "warehouse", true, "已有仓库编码"), col("商品编码", "sku", true, "已有商品编码"), col("数量", "qty", true, "大于 0"),
		col("单位成本", "unit_cost", true, "不含税"), col("批次", "batch", false, "启用批次管理的商品必填"), col("有效期", "expiry", false, "YYYY-MM-DD"),
		col("业务日期", "biz_date", false, "YYYY-MM-DD，空为今天")},
		run: importOpening},
	"opening-balances": {title: "科目期初余额导入模板", perm: domain.PermLedgerAdmin, columns: []ImportColumn{
		col("科目编码", "account_code", true, "明细科目编码，如 1002、100201"), col("期初借方", "debit", false, "启用期间月初余额，借贷只填一方"),
		col("期初贷方", "credit", false, ""), col("本年累计借方", "ytd_debit", false, "年初至启用前一月；损益类填实际发生额"),
		col("本年累计贷方", "ytd_credit", false, ""), col("启用期间", "start_period", false, "YYYY-MM；不填沿用已设置的启用期间")},
		run: importOpeningBalances},
	"opening-items": {title: "期初往来导入模板", perm: domain.PermLedgerAdmin, columns: []ImportColumn{
		col("往来单位编码", "partner", true, "已有往来单位编码"), col("类型", "kind", true, "应收/应付"), col("原单据号", "doc_number", true, ""),
		col("单据日期", "date", true, "YYYY-MM-DD，早于启用期间"), col("到期日", "due_date", false, "YYYY-MM-DD；不填按往来单位账期"),
		col("金额", "amount", true, "未收/未付金额，大于 0")},
		run: importOpeningItems},
	"reorder-levels": {title: "补货参数导入模板", perm: domain.PermMasterWrite, columns: []ImportColumn{
		col("仓库编码", "warehouse", true, "已有仓库编码"), col("商品编码", "sku", true, "已有商品编码"),
		col("安全库存", "safety_stock", false, "数字，默认 0"), col("再订货点", "reorder_point", false, "可用量低于它即补货；空为安全库存"),
		col("订货量", "reorder_qty", false, "每次订货数量；空为补到再订货点 + 安全库存"),
		col("说明", "note", false, "三项都为 0 或空：该仓库不再备此商品")},
		run: importReorderLevels},
}

// ImportKinds lists what can be imported.
func ImportKinds() []string {
	out := make([]string, 0, len(importKinds))
	for k := range importKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ImportTemplate returns the template of a kind as CSV or XLSX, with the
// Chinese headers the importer reads and a sheet of instructions.
func ImportTemplate(kind, format string) ([]byte, string, error) {
	k, ok := importKinds[kind]
	if !ok {
		return nil, "", domain.NotFound("导入类型", kind)
	}
	headers := make([]string, len(k.columns))
	for i, c := range k.columns {
		headers[i] = c.Header
		if c.Required {
			headers[i] += "*"
		}
	}
	if format == "csv" {
		var buf bytes.Buffer
		buf.WriteString("\uFEFF")
		w := csv.NewWriter(&buf)
		_ = w.Write(headers)
		w.Flush()
		return buf.Bytes(), k.title + ".csv", nil
	}
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "数据")
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellValue("数据", cell, h)
		_ = f.SetCellStyle("数据", cell, cell, bold)
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth("数据", col, col, 16)
	}
	_, _ = f.NewSheet("说明")
	_ = f.SetCellValue("说明", "A1", "列")
	_ = f.SetCellValue("说明", "B1", "必填")
	_ = f.SetCellValue("说明", "C1", "说明")
	for i, c := range k.columns {
		req := ""
		if c.Required {
			req = "是"
		}
		_ = f.SetSheetRow("说明", fmt.Sprintf("A%d", i+2), &[]any{c.Header, req, c.Hint})
	}
	_ = f.SetCellValue("说明", fmt.Sprintf("A%d", len(k.columns)+3), "第一张工作表第 1 行是表头，从第 2 行开始填写数据。任何一行有错误时整个文件都不会导入。")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), k.title + ".xlsx", nil
}

// readTable reads the first sheet of an XLSX file or a CSV file (UTF-8, with
// or without BOM) into rows of cells. It reads as a stream under the
// limits of domain/import.go, so a zip bomb is refused while it is read,
// with memory bounded: the file as sent, the declared sizes of its parts
// before anything is inflated (and excelize's own limit after), the sheet
// row by row with the row count checked on each row.
func readTable(r io.Reader, format string) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, domain.MaxImportFileBytes+1))
	if err != nil {
		return nil, err
	}
	if err := domain.CheckImportFileSize(int64(len(data))); err != nil {
		return nil, err
	}
	bad := func(msg string) error {
		return &domain.Error{Kind: domain.KindInvalid, Code: domain.CodeValidation, Field: "file", Message: msg}
	}
	var table domain.ImportTable
	if format == "xlsx" || (format == "" && bytes.HasPrefix(data, []byte("PK"))) {
		if err := readXLSX(data, &table, bad); err != nil {
			return nil, err
		}
		return table.Rows, nil
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, bad("CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”，或使用 XLSX 模板")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return table.Rows, nil
		}
		if err != nil {
			return nil, bad("CSV 格式错误: " + err.Error())
		}
		if err := table.Add(rec); err != nil {
			return nil, err
		}
	}
}

// readXLSX streams the first sheet of an XLSX file into table.
func readXLSX(data []byte, table *domain.ImportTable, bad func(string) error) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return bad("无法读取 XLSX 文件，请使用导入模板")
	}
	declared := make([]uint64, len(zr.File))
	for i, f := range zr.File {
		declared[i] = f.UncompressedSize64
	}
	if err := domain.CheckImportUnzipped(declared); err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: domain.MaxImportUnzippedBytes, UnzipXMLSizeLimit: domain.MaxImportXMLBytes})
	if f != nil {
		defer f.Close() // also on an error: it removes the sheets unzipped to temporary files
	}
	if err != nil {
		return bad("无法读取 XLSX 文件，请使用导入模板")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return bad("XLSX 文件没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return bad("无法读取工作表 " + sheets[0])
	}
	defer rows.Close()
	for rows.Next() {
		row, err := rows.Columns()
		if err != nil {
			return bad("无法读取工作表 " + sheets[0])
		}
		if err := table.Add(row); err != nil {
			return err
		}
	}
	if rows.Error() != nil {
		return bad("无法读取工作表 " + sheets[0])
	}
	return nil
}

// Import reads a file of a kind and writes every row, or nothing: all rows
// are run through the same use cases as the API inside one transaction, and
// any row's error rolls the whole file back and comes back in a per-row
// report (row, column, message). dryRun checks the file the same way and
// always rolls back.
func (a *App) Import(ctx context.Context, kind string, file io.Reader, format string, dryRun bool) (*ImportResult, error) {
	k, ok := importKinds[kind]
	if !ok {
		return nil, domain.NotFound("导入类型", kind)
	}
	if _, err := require(ctx, k.perm); err != nil {
		return nil, err
	}
	table, err := readTable(file, format)
	if err != nil {
		return nil, err
	}
	sheet, err := domain.ReadImportSheet(table, k.columns)
	if err != nil {
		return nil, err
	}
	report := &importReport{sheet: sheet}
	errRollback := errors.New("import rolled back")
	created := 0
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		n, err := k.run(a, tx.Context(ctx), tx, sheet.Rows, report.bad)
		if err != nil {
			return err
		}
		created = n
		if len(report.errs) > 0 || dryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	if err := report.err(dryRun); err != nil {
		return nil, err
	}
	return &ImportResult{Kind: kind, Rows: len(sheet.Rows), Created: created, DryRun: dryRun}, nil
}

// importReport collects the problems of an import's rows.
type importReport struct {
	sheet *domain.ImportSheet
	errs  []RowError
}

// bad reports a problem in row (an index into the sheet's rows) under the
// column of field.
func (r *importReport) bad(row int, field, msg string) {
	r.errs = append(r.errs, RowError{Row: r.sheet.Lines[row], Column: r.sheet.Column(field), Message: msg})
}

// err is nil when no row was bad, else import_invalid with the problems in
// row order (at most 500, and the message counts those reported). A dry
// run failed its check (校验未通过): nothing was meant to be imported, so
// it does not say the import failed.
func (r *importReport) err(dryRun bool) error {
	if len(r.errs) == 0 {
		return nil
	}
	errs := r.errs
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
	if len(errs) > 500 {
		errs = errs[:500]
	}
	msg := "导入失败：%d 处错误，没有写入任何数据"
	if dryRun {
		msg = "校验未通过：%d 处错误，请修改文件后重新校验"
	}
	return ErrImportInvalid.WithMessage(msg, len(errs)).WithDetails(map[string]any{"errors": errs})
}

// rowError reports a use case's error on a row: a validation error on its
// field's column, anything else (a domain rule) on the row. A fault comes
// back, to abort the import.
func rowError(bad func(int, string, string), row int, err error, fieldMap map[string]string) error {
	field, msg, fault := domain.ImportErrorCell(err, fieldMap)
	if fault {
		return err
	}
	bad(row, field, msg)
	return nil
}

func parseDec(s string, pct bool) (*decimal.Decimal, error) {
	if s == "" {
		return nil, nil
	}
	s = strings.ReplaceAll(s, ",", "")
	isPct := pct && strings.HasSuffix(s, "%")
	d, err := decimal.NewFromString(strings.TrimSuffix(s, "%"))
	if err != nil {
		return nil, fmt.Errorf("“%s”不是数字", s)
	}
	if isPct {
		d = d.Div(decimal.NewFromInt(100))
	}
	return &d, nil
}

func parseYesNo(s string) (*bool, error) {
	switch strings.ToLower(s) {
	case "":
		return nil, nil
	case "是", "y", "yes", "true", "1":
		t := true
		return &t, nil
	case "否", "n", "no", "false", "0":
		f := false
		return &f, nil
	}
	return nil, fmt.Errorf("请填写“是”或“否”")
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func importProducts(a *App, ctx context.Context, tx *store.Tx, rows []map[string]string, bad func(int, string, string)) (int, error) {
	units, err := nameIndex(tx, "units", "name")
	if err != nil {
		return 0, err
	}
	cats, err := nameIndex(tx, "categories", "code")
	if err != nil {
		return 0, err
	}
	n := 0
	for i, r := range rows {
		in := ProductInput{SKU: nonEmpty(r["sku"]), Name: nonEmpty(r["name"]), Spec: nonEmpty(r["spec"]), Barcode: nonEmpty(r["barcode"])}
		ok := true
		if id, found := units[r["unit"]]; found {
			in.UnitID = &id
		} else {
			bad(i, "unit", fmt.Sprintf("单位“%s”不存在", r["unit"]))
			ok = false
		}
		if r["category"] != "" {
			if id, found := cats[r["category"]]; found {
				in.CategoryID = &id
			} else {
				bad(i, "category", fmt.Sprintf("分类编码“%s”不存在", r["category"]))
				ok = false
			}
		}
		var err error
		if in.TaxRate, err = parseDec(r["tax_rate"], true); err != nil {
			bad(i, "tax_rate", err.Error())
			ok = false
		}
		if in.BatchTracked, err = parseYesNo(r["batch_tracked"]); err != nil {
			bad(i, "batch_tracked", err.Error())
			ok = false
		}
		if in.SKU == nil {
			bad(i, "sku", "商品编码必填")
			ok = false
		}
		if !ok {
			continue
		}
		if _, err := a.catalog.Products.Create(ctx, in); err != nil {
			if err := rowError(bad, i, err, map[string]string{"unit_id": "unit", "category_id": "category"}); err != nil {
				return 0, err
			}
			continue
		}
		n++
	}
	return n, nil
}

var partnerTypes = map[string]string{"供应商": domain.PartnerSupplier, "客户": domain.PartnerCustomer,
	"供应商及客户": domain.PartnerBoth, "客户及供应商": domain.PartnerBoth, "supplier": domain.PartnerSupplier,
	"customer": domain.PartnerCustomer, "both": domain.PartnerBoth}

func importPartners(a *App, ctx context.Context, _ *store.Tx, rows []map[string]string, bad func(int, string, string)) (int, error) {
	n := 0
	for i, r := range rows {
		in := PartnerInput{Code: nonEmpty(r["code"]), Name: nonEmpty(r["name"]), Contact: nonEmpty(r["contact"]),
			Phone: nonEmpty(r["phone"]), Address: nonEmpty(r["address"])}
		ok := true
		if t, found := partnerTypes[strings.ToLower(r["type"])]; found {
			in.Type = &t
		} else {
			bad(i, "type", "类型应为 供应商、客户 或 供应商及客户")
			ok = false
		}
		var err error
		if in.CreditLimit, err = parseDec(r["credit_limit"], false); err != nil {
			bad(i, "credit_limit", err.Error())
			ok = false
		}
		if v := r["payment_terms_days"]; v != "" {
			days, err := strconv.Atoi(v)
			if err != nil {
				bad(i, "payment_terms_days", "账期天数应为整数")
				ok = false
			}
			in.PaymentTermsDays = &days
		}
		if in.Code == nil {
			bad(i, "code", "编码必填")
			ok = false
		}
		if !ok {
			continue
		}
		if _, err := a.catalog.Partners.Create(ctx, in); err != nil {
			if err := rowError(bad, i, err, nil); err != nil {
				return 0, err
			}
			continue
		}
		n++
	}
	return n, nil
}

// openingRow is a parsed row of an opening-stock file: its index in the
// file's rows and the line it makes.
type openingRow struct {
	row int
	in  OpeningLineInput
}

// openingDoc is one opening document of an import: a warehouse and a
// business date (业务日期).
type openingDoc struct {
	wh   int64
	date string
}

// importOpening posts one opening document per warehouse and business
// date, in the order the file names them, with the file's rows of that
// warehouse and date as lines.
func importOpening(a *App, ctx context.Context, tx *store.Tx, rows []map[string]string, bad func(int, string, string)) (int, error) {
	whs, err := nameIndex(tx, "warehouses", "code")
	if err != nil {
		return 0, err
	}
	skus, err := nameIndex(tx, "products", "sku")
	if err != nil {
		return 0, err
	}
	byDoc := map[openingDoc][]openingRow{}
	var order []openingDoc
	for i, r := range rows {
		wh, in, ok := parseOpeningRow(r, whs, skus, func(field, msg string) { bad(i, field, msg) })
		if !ok {
			continue
		}
		key := openingDoc{wh, r["biz_date"]}
		if _, seen := byDoc[key]; !seen {
			order = append(order, key)
		}
		byDoc[key] = append(byDoc[key], openingRow{row: i, in: in})
	}
	n := 0
	for _, key := range order {
		posted, err := a.importOpeningDoc(ctx, key, byDoc[key], bad)
		if err != nil {
			return 0, err
		}
		n += posted
	}
	return n, nil
}

// parseOpeningRow resolves a row's warehouse and product codes and reads
// its quantity and cost, reporting every bad cell; ok is false if any was.
func parseOpeningRow(r map[string]string, whs, skus map[string]int64, bad func(field, msg string)) (wh int64, in OpeningLineInput, ok bool) {
	ok = true
	wh, found := whs[r["warehouse"]]
	if !found {
		bad("warehouse", fmt.Sprintf("仓库编码“%s”不存在", r["warehouse"]))
		ok = false
	}
	pid, found := skus[r["sku"]]
	if !found {
		bad("sku", fmt.Sprintf("商品编码“%s”不存在", r["sku"]))
		ok = false
	}
	qty, err := parseDec(r["qty"], false)
	if err != nil || qty == nil {
		bad("qty", "数量必填且为数字")
		ok = false
	}
	cost, err := parseDec(r["unit_cost"], false)
	if err != nil || cost == nil {
		bad("unit_cost", "单位成本必填且为数字")
		ok = false
	}
	if !ok {
		return 0, OpeningLineInput{}, false
	}
	return wh, OpeningLineInput{ProductID: pid, Qty: *qty, UnitCost: *cost, Batch: r["batch"], Expiry: nonEmpty(r["expiry"])}, true
}

// importOpeningDoc posts one warehouse's opening lines as one document and
// returns how many lines it posted (none when a line is refused, which is
// reported on its row).
func (a *App) importOpeningDoc(ctx context.Context, doc openingDoc, lines []openingRow, bad func(int, string, string)) (int, error) {
	wh := doc.wh
	// Check each line alone first, so every bad row is reported, not just
	// the first of its warehouse.
	good := true
	for _, l := range lines {
		o := domain.Opening{WarehouseID: wh, Lines: []domain.OpeningLine{{ProductID: l.in.ProductID, Qty: l.in.Qty, UnitCost: l.in.UnitCost, Batch: l.in.Batch, Expiry: l.in.Expiry}}}
		if err := o.Validate(); err != nil {
			if err := rowError(bad, l.row, err, map[string]string{"lines[0].unit_cost": "unit_cost", "lines[0].qty": "qty", "lines[0].expiry": "expiry"}); err != nil {
				return 0, err
			}
			good = false
		}
	}
	if !good {
		return 0, nil
	}
	in := OpeningInput{WarehouseID: wh, BizDate: doc.date, Remark: "期初导入"}
	for _, l := range lines {
		in.Lines = append(in.Lines, l.in)
	}
	if _, err := a.PostOpening(ctx, in); err != nil {
		return 0, rowError(bad, lines[lineOf(err, len(lines))].row, err, map[string]string{})
	}
	return len(lines), nil
}

// lineOf is the index of the line a document's error names (its field is
// lines[i]…), or 0, the document's first line, when it names none.
func lineOf(err error, n int) int {
	e := domain.AsError(err)
	if e == nil {
		return 0
	}
	var idx int
	if _, scanErr := fmt.Sscanf(e.Field, "lines[%d]", &idx); scanErr == nil && idx >= 0 && idx < n {
		return idx
	}
	return 0
}

// nameIndex maps a unique column of live rows to ids (unit names,
// warehouse codes, SKUs) for resolving what an import file names.
func nameIndex(tx *store.Tx, table, col string) (map[string]int64, error) {
	return store.CodeIndex(tx, table, col)
}

// importOpeningBalances replaces the accounts' openings (科目期初余额) with
// the file's rows, as PUT /opening-balances does: one row per account, the
// start period from the file (every row that names one must agree) or the
// one already set.
func importOpeningBalances(a *App, ctx context.Context, tx *store.Tx, rows []map[string]string, bad func(int, string, string)) (int, error) {
	start, err := store.StartPeriod(tx)
	if err != nil {
		return 0, err
	}
	fileStart := ""
	in := OpeningBalancesInput{}
	ok := true
	parsed := make([]bool, len(rows)) // the row's cells parsed: its rules can be checked
	for i, r := range rows {
		parsed[i] = true
		if p := r["start_period"]; p != "" {
			if fileStart == "" {
				fileStart = p
			} else if p != fileStart {
				bad(i, "start_period", fmt.Sprintf("启用期间应与前面的行一致（%s）", fileStart))
				ok = false
			}
		}
		l := OpeningBalanceInput{AccountCode: r["account_code"]}
		for _, c := range []struct {
			field string
			to    *decimal.Decimal
		}{{"debit", &l.Debit}, {"credit", &l.Credit}, {"ytd_debit", &l.YTDDebit}, {"ytd_credit", &l.YTDCredit}} {
			v, err := parseDec(r[c.field], false)
			if err != nil {
				bad(i, c.field, err.Error())
				ok, parsed[i] = false, false
			} else if v != nil {
				*c.to = *v
			}
		}
		in.Lines = append(in.Lines, l)
	}
	if in.StartPeriod = start; fileStart != "" {
		in.StartPeriod = fileStart
	}
	if in.StartPeriod == "" && len(rows) > 0 {
		bad(0, "start_period", "尚未设置启用期间，请在文件中填写")
		ok = false
	}
	if len(rows) == 0 {
		return 0, nil
	}
	if !domain.ValidPeriod(in.StartPeriod) {
		if in.StartPeriod != "" {
			bad(0, "start_period", "启用期间格式应为 YYYY-MM")
		}
		return 0, nil
	}
	// Every row's own rules first, so the report names each bad row, not
	// only the first the use case would stop at.
	if rowsOK, err := checkOpeningRows(tx, in, parsed, bad); err != nil || !rowsOK || !ok {
		return 0, err
	}
	actor := Actor(ctx)
	if err := a.putOpenings(ctx, tx, in, actor.ID, func(*OpeningSheet) {}); err != nil {
		// lines[i].account_id is the row's 科目编码 column.
		field, msg, fault := domain.ImportErrorCell(err, nil)
		if fault {
			return 0, err
		}
		if field == "account_id" {
			field = "account_code"
		}
		bad(lineOf(err, len(rows)), field, msg)
		return 0, nil
	}
	return len(rows), nil
}

// checkOpeningRows checks each parsed row of an openings file on the rules
// putOpenings applies (the account a leaf, the amounts, no account twice)
// and reports each refusal on its row and column; false when any was.
func checkOpeningRows(tx *store.Tx, in OpeningBalancesInput, parsed []bool, bad func(int, string, string)) (bool, error) {
	leaves, err := store.LeafAccounts(tx)
	if err != nil {
		return false, err
	}
	byCode := make(map[string]int64, len(leaves))
	for id, acc := range leaves {
		byCode[acc.Code] = id
	}
	ok := true
	seen := map[int64]int{}
	for i, l := range in.Lines {
		if !parsed[i] {
			continue
		}
		id := byCode[l.AccountCode]
		if id == 0 {
			bad(i, "account_code", fmt.Sprintf("科目 %s 不存在、已停用或有下级科目（请用明细科目）", l.AccountCode))
			ok = false
			continue
		}
		b := domain.OpeningBalance{AccountID: id, Debit: l.Debit, Credit: l.Credit, YTDDebit: l.YTDDebit, YTDCredit: l.YTDCredit}
		if err := domain.CheckOpening(i, in.StartPeriod, leaves[id], true, b); err != nil {
			field, msg, fault := domain.ImportErrorCell(err, map[string]string{fmt.Sprintf("lines[%d].account_id", i): "account_code"})
			if fault {
				return false, err
			}
			bad(i, field, msg)
			ok = false
			continue
		}
		if j, dup := seen[id]; dup {
			bad(i, "account_code", fmt.Sprintf("科目 %s 重复录入（与前面第 %d 条相同）", l.AccountCode, j+1))
			ok = false
			continue
		}
		seen[id] = i
	}
	return ok, nil
}

// importOpeningItems replaces the opening receivables and payables
// (期初往来) with the file's rows, as PUT /opening-items does.
func importOpeningItems(a *App, ctx context.Context, tx *store.Tx, rows []map[string]string, bad func(int, string, string)) (int, error) {
	partners, err := nameIndex(tx, "partners", "code")
	if err != nil {
		return 0, err
	}
	in := OpeningItemsInput{}
	ok := true
	parsed := make([]bool, len(rows))
	for i, r := range rows {
		parsed[i] = true
		it := domain.OpeningItem{DocNumber: r["doc_number"], Date: r["date"], DueDate: r["due_date"]}
		if id, found := partners[r["partner"]]; found {
			it.PartnerID = id
		} else {
			bad(i, "partner", fmt.Sprintf("往来单位编码“%s”不存在", r["partner"]))
			ok, parsed[i] = false, false
		}
		switch r["kind"] {
		case "应收", domain.ItemAR:
			it.Kind = domain.ItemAR
		case "应付", domain.ItemAP:
			it.Kind = domain.ItemAP
		default:
			bad(i, "kind", "请填写“应收”或“应付”")
			ok, parsed[i] = false, false
		}
		if v, err := parseDec(r["amount"], false); err != nil || v == nil {
			bad(i, "amount", "请填写金额")
			ok, parsed[i] = false, false
		} else {
			it.Amount = *v
		}
		in.Items = append(in.Items, it)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	// Every row's own rules first (dates against the start period, due
	// date, amount), so the report names each bad row.
	if rowsOK, err := checkOpeningItemRows(tx, in, parsed, bad); err != nil || !rowsOK || !ok {
		return 0, err
	}
	if _, err := a.putOpeningItems(ctx, tx, in); err != nil {
		field, msg, fault := domain.ImportErrorCell(err, nil)
		if fault {
			return 0, err
		}
		if field == "partner_id" {
			field = "partner"
		}
		bad(itemOf(err, len(rows)), field, msg)
		return 0, nil
	}
	return len(rows), nil
}

// itemOf is the index of the item an error names (items[i]…), or 0.
// checkOpeningItemRows checks each parsed row of an opening items file
// on CheckOpeningItem, as putOpeningItems does, reporting each refusal on
// its row; without a start period it leaves that to putOpeningItems.
func checkOpeningItemRows(tx *store.Tx, in OpeningItemsInput, parsed []bool, bad func(int, string, string)) (bool, error) {
	start, err := store.StartPeriod(tx)
	if err != nil || start == "" {
		return true, err
	}
	ids := make([]int64, len(in.Items))
	for i, it := range in.Items {
		ids[i] = it.PartnerID
	}
	partners, err := store.Partners.GetMany(tx, ids, func(p *domain.Partner) int64 { return p.ID })
	if err != nil {
		return false, err
	}
	ok := true
	for i := range in.Items {
		if !parsed[i] {
			continue
		}
		it := in.Items[i] // a copy: putOpeningItems normalizes its own
		p, found := partners[it.PartnerID]
		if err := domain.CheckOpeningItem(i, start, p, found, &it); err != nil {
			field, msg, fault := domain.ImportErrorCell(err, map[string]string{fmt.Sprintf("items[%d].partner_id", i): "partner"})
			if fault {
				return false, err
			}
			bad(i, field, msg)
			ok = false
		}
	}
	return ok, nil
}

func itemOf(err error, n int) int {
	var i int
	if e := domain.AsError(err); e != nil {
		if _, scanErr := fmt.Sscanf(e.Field, "items[%d]", &i); scanErr == nil && i >= 0 && i < n {
			return i
		}
	}
	return 0
}

// importReorderLevels sets levels (补货参数) from a sheet, one row per
// warehouse × product, as PUT /reorder-levels does: a row of zeros removes
// the level, and the reorder check runs on what the rows touch.
func importReorderLevels(a *App, ctx context.Context, tx *store.Tx, rows []map[string]string, bad func(int, string, string)) (int, error) {
	whs, err := nameIndex(tx, "warehouses", "code")
	if err != nil {
		return 0, err
	}
	skus, err := nameIndex(tx, "products", "sku")
	if err != nil {
		return 0, err
	}
	in := make([]ReorderLevelInput, 0, len(rows))
	rowOf := make([]int, 0, len(rows))
	seen := map[[2]int64]int{}
	for i, r := range rows {
		ok := true
		l := ReorderLevelInput{}
		if l.WarehouseID, ok = whs[r["warehouse"]]; !ok {
			bad(i, "warehouse", fmt.Sprintf("仓库编码“%s”不存在", r["warehouse"]))
		}
		var found bool
		if l.ProductID, found = skus[r["sku"]]; !found {
			bad(i, "sku", fmt.Sprintf("商品编码“%s”不存在", r["sku"]))
			ok = false
		}
		for _, f := range []struct {
			field string
			to    *decimal.Decimal
		}{{"safety_stock", &l.SafetyStock}, {"reorder_point", &l.ReorderPoint}, {"reorder_qty", &l.ReorderQty}} {
			d, err := parseDec(r[f.field], false)
			if err != nil {
				bad(i, f.field, err.Error())
				ok = false
			} else if d != nil {
				*f.to = *d
			}
		}
		if !ok {
			continue
		}
		lv := domain.ReorderLevel{ProductID: l.ProductID, WarehouseID: l.WarehouseID, SafetyStock: l.SafetyStock, ReorderPoint: l.ReorderPoint, ReorderQty: l.ReorderQty}
		if err := lv.Validate(); err != nil {
			if err := rowError(bad, i, err, nil); err != nil {
				return 0, err
			}
			continue
		}
		k := [2]int64{l.ProductID, l.WarehouseID}
		if first, dup := seen[k]; dup {
			bad(i, "sku", fmt.Sprintf("与第 %d 行重复（同一仓库同一商品）", first+2))
			continue
		}
		seen[k] = i
		in = append(in, l)
		rowOf = append(rowOf, i)
	}
	if len(in) == 0 || len(in) < len(rows) {
		return 0, nil
	}
	var by int64
	if u := Actor(ctx); u != nil {
		by = u.ID
	}
	reported := false
	res, err := setReorderLevels(ctx, tx, in, by, func(i int, e *domain.Error) error {
		if rowError(bad, rowOf[i], e, map[string]string{"product_id": "sku", "warehouse_id": "warehouse"}) == nil {
			reported = true
		}
		return e
	})
	if err != nil {
		if reported {
			return 0, nil // on its row: the import is refused with the report
		}
		return 0, err
	}
	return res.Saved + res.Removed, nil
}
