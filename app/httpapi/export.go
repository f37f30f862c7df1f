package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func (s *Server) report(c *gin.Context) {
	lp, err := listParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" && format != "xlsx" {
		writeError(c, domain.Invalid("format", "格式只能是 json、csv 或 xlsx"))
		return
	}
	lp.Export = format != "json" // every row, for CSV and XLSX
	rp := app.ReportParams{ListParams: lp, GroupBy: c.Query("group_by"), Period: c.Query("period")}
	for name, dst := range map[string]*int64{"warehouse_id": &rp.WarehouseID, "category_id": &rp.CategoryID,
		"product_id": &rp.ProductID, "partner_id": &rp.PartnerID, "account_id": &rp.AccountID} {
		if *dst, err = queryID(c, name); err != nil {
			writeError(c, err)
			return
		}
	}
	if rp.Days, err = queryInt(c, "days", 0); err != nil {
		writeError(c, err)
		return
	}
	if rp.From, err = queryDate(c, "from"); err == nil {
		if rp.To, err = queryDate(c, "to"); err == nil {
			var asOf *time.Time
			if asOf, err = queryDate(c, "as_of"); err == nil && asOf != nil {
				end := app.EndOfDay(*asOf)
				rp.AsOf = &end
			}
		}
	}
	if err != nil {
		writeError(c, err)
		return
	}
	r, err := s.app.Report(c.Request.Context(), c.Param("name"), rp)
	if err != nil {
		writeError(c, err)
		return
	}
	switch format {
	case "csv":
		writeCSV(c, r)
	case "xlsx":
		writeXLSX(c, r)
	default:
		c.JSON(http.StatusOK, r)
	}
}

// cells renders a report's rows as text per column, in the layout people
// read: business dates and times in Shanghai, percentages with %.
// The footer rows (合计) follow the items.
func cells(r *app.Report) ([][]string, error) {
	var rows []map[string]any
	for _, part := range []any{r.Items, r.Footer} {
		if part == nil {
			continue
		}
		raw, err := json.Marshal(part)
		if err != nil {
			return nil, err
		}
		var more []map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&more); err != nil {
			return nil, err
		}
		rows = append(rows, more...)
	}
	out := make([][]string, len(rows))
	for i, row := range rows {
		line := make([]string, len(r.Columns))
		for j, col := range r.Columns {
			line[j] = cellText(col.Kind, row[col.Key])
		}
		out[i] = line
	}
	return out, nil
}

func cellText(kind string, v any) string {
	if v == nil {
		return ""
	}
	s := fmt.Sprint(v)
	switch kind {
	case "time":
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.In(domain.Shanghai).Format("2006-01-02 15:04")
		}
	case "percent":
		if d, err := decimal.NewFromString(s); err == nil {
			return d.Mul(decimal.NewFromInt(100)).StringFixed(2) + "%"
		}
	case "money":
		if d, err := decimal.NewFromString(s); err == nil {
			return d.StringFixed(2)
		}
	case "status":
		return domain.StatusName(s)
	}
	if kind == "text" || kind == "date" {
		return neutralize(s)
	}
	return s
}

// neutralize stops a text cell that starts like a formula (=, +, -, @) from
// being run by a spreadsheet (CSV injection).
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// attachment names an export: its title, the data scope when the figures
// are not the whole firm's (销售明细表-本人-20261208.csv), and the date.
// The scope also goes in X-Data-Scope, for scripts that keep the file.
func attachment(c *gin.Context, r *app.Report, ext string) {
	title := r.Title
	if r.Scope != nil {
		c.Header("X-Data-Scope", r.Scope.Scope)
		if r.Scope.Scope != domain.ScopeAll {
			title += "-" + r.Scope.Label
		}
	}
	name := fmt.Sprintf("%s-%s.%s", title, r.At.In(domain.Shanghai).Format("20060102"), ext)
	c.Header("Content-Disposition", "attachment; filename=\"report."+ext+"\"; filename*=UTF-8''"+url.PathEscape(name))
}

func writeCSV(c *gin.Context, r *app.Report) {
	rows, err := cells(r)
	if err != nil {
		writeError(c, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // Excel opens UTF-8 CSV as GBK without a BOM
	w := csv.NewWriter(&buf)
	head := make([]string, len(r.Columns))
	for i, col := range r.Columns {
		head[i] = col.Title
	}
	_ = w.Write(head)
	_ = w.WriteAll(rows)
	attachment(c, r, "csv")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func writeXLSX(c *gin.Context, r *app.Report) {
	rows, err := cells(r)
	if err != nil {
		writeError(c, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := r.Title
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		writeError(c, err)
		return
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#EEF2F7"}, Pattern: 1}})
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	for i, col := range r.Columns {
		width := 12.0
		if col.Kind == "text" {
			width = 20
		}
		_ = sw.SetColWidth(i+1, i+1, width)
	}
	head := make([]any, len(r.Columns))
	for i, col := range r.Columns {
		head[i] = excelize.Cell{StyleID: bold, Value: col.Title}
	}
	if err := sw.SetRow("A1", head); err != nil {
		writeError(c, err)
		return
	}
	for i, row := range rows {
		vals := make([]any, len(row))
		for j, text := range row {
			vals[j] = text
			switch r.Columns[j].Kind {
			case "qty", "money", "cost":
				// Numbers stay numbers so the sheet can sum them.
				if d, err := decimal.NewFromString(text); err == nil {
					f, _ := d.Float64()
					cell := excelize.Cell{Value: f}
					if r.Columns[j].Kind == "money" {
						cell.StyleID = money
					}
					vals[j] = cell
				}
			}
		}
		addr, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(addr, vals); err != nil {
			writeError(c, err)
			return
		}
	}
	if err := sw.Flush(); err != nil {
		writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		writeError(c, err)
		return
	}
	attachment(c, r, "xlsx")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// exportFormat reads ?format= of a list: "" for JSON, csv or xlsx.
func exportFormat(c *gin.Context) (string, error) {
	switch f := c.Query("format"); f {
	case "", "json":
		return "", nil
	case "csv", "xlsx":
		return f, nil
	}
	return "", domain.Invalid("format", "格式只能是 json、csv 或 xlsx")
}

// listOrExport renders one page of a list as JSON, or every row as a CSV or
// XLSX file when ?format= asks for one.
func listOrExport(c *gin.Context, lp app.ListParams, title string, cols []app.ReportColumn, list func(app.ListParams) (any, error)) {
	format, err := exportFormat(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if format == "" {
		respond(c, http.StatusOK)(list(lp))
		return
	}
	lp.Export = true
	v, err := list(lp)
	exportList(c, format, title, cols, v, err)
}

// exportList renders a list use case's result as a file with fixed columns.
func exportList(c *gin.Context, format, title string, cols []app.ReportColumn, list any, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	raw, _ := json.Marshal(list)
	var page struct {
		Items json.RawMessage `json:"items"`
		Total int64           `json:"total"`
	}
	_ = json.Unmarshal(raw, &page)
	if page.Total > app.MaxExportRows {
		writeError(c, domain.Invalid("format", "导出超过 %d 行，请缩小筛选范围", app.MaxExportRows))
		return
	}
	var items any = page.Items
	r := &app.Report{Title: title, Columns: withoutCostColumns(c, cols), Items: items, Total: page.Total}
	if format == "csv" {
		writeCSV(c, r)
	} else {
		writeXLSX(c, r)
	}
}

var orderExportCols = []app.ReportColumn{{Key: "number", Title: "单号", Kind: "text"}, {Key: "order_date", Title: "日期", Kind: "date"},
	{Key: "status", Title: "状态", Kind: "status"}, {Key: "partner_name", Title: "往来单位", Kind: "text"},
	{Key: "warehouse_name", Title: "仓库", Kind: "text"}, {Key: "amount", Title: "金额(不含税)", Kind: "money"},
	{Key: "tax_amount", Title: "税额", Kind: "money"}, {Key: "total", Title: "价税合计", Kind: "money"}, {Key: "remark", Title: "备注", Kind: "text"}}

var stockDocExportCols = []app.ReportColumn{{Key: "number", Title: "单号", Kind: "text"}, {Key: "posted_at", Title: "过账时间", Kind: "time"},
	{Key: "partner_name", Title: "往来单位", Kind: "text"}, {Key: "warehouse_name", Title: "仓库", Kind: "text"},
	{Key: "amount", Title: "金额(不含税)", Kind: "money"}, {Key: "tax_amount", Title: "税额", Kind: "money"},
	{Key: "total", Title: "价税合计", Kind: "money"}, {Key: "cost_amount", Title: "成本", Kind: "money"}, {Key: "remark", Title: "备注", Kind: "text"}}

// shipmentExportCols add a shipment's delivery information (发货信息), so
// the export can go to the carrier or be checked against its bill.
var shipmentExportCols = append(append([]app.ReportColumn{}, stockDocExportCols...),
	app.ReportColumn{Key: "carrier", Title: "承运商", Kind: "text"}, app.ReportColumn{Key: "waybill_no", Title: "运单号", Kind: "text"},
	app.ReportColumn{Key: "ship_address", Title: "收货地址", Kind: "text"}, app.ReportColumn{Key: "ship_contact", Title: "联系人", Kind: "text"},
	app.ReportColumn{Key: "ship_phone", Title: "电话", Kind: "text"})
