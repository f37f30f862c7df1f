package httpapi

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

// costAtPath are keys that carry cost on some paths only: a stock move's
// amount is its value at cost, where an order's amount is its price. So is
// a transfer's, stocktake's or stock opening's line amount (qty × unit
// cost), on the document, its listing and the answer to posting it, so
// those paths count with everything under them.
var costAtPath = map[string]map[string]bool{
	"/api/v1/stock/moves":          {"amount": true},
	"/api/v1/reports/stock-ledger": {"amount": true},
	"/api/v1/transfers":            {"amount": true},
	"/api/v1/stocktakes":           {"amount": true},
	"/api/v1/stock/opening":        {"amount": true},
	"/api/v1/stock/openings":       {"amount": true},
}

// costKeysAt is costAtPath for a request path: the entry for the path
// itself or for the nearest parent that has one.
func costKeysAt(path string) map[string]bool {
	for p := path; p != ""; {
		if keys, ok := costAtPath[p]; ok {
			return keys
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return nil
}

// costBuffer holds a response until it has been shaped.
type costBuffer struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *costBuffer) Write(b []byte) (int, error)       { return w.buf.Write(b) }
func (w *costBuffer) WriteString(s string) (int, error) { return w.buf.WriteString(s) }

// hideCost is the one response-shaping step for cost:read: for an actor
// without it, every JSON answer loses its cost keys (domain.IsCostKey), so
// costs, stock value and margins are absent, not zero, whichever handler
// built the answer. Files (CSV, XLSX) drop the columns in app.Report and
// exportList instead. Actors with cost:read pass straight through.
func hideCost() gin.HandlerFunc {
	return func(c *gin.Context) {
		u := app.Actor(c.Request.Context())
		if u == nil || u.Can(domain.PermCostRead) {
			c.Next()
			return
		}
		w := &costBuffer{ResponseWriter: c.Writer}
		c.Writer = w
		c.Next()
		c.Writer = w.ResponseWriter
		body := w.buf.Bytes()
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") && len(body) > 0 {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err == nil {
				if shaped, err := json.Marshal(domain.StripCost(v, costKeysAt(c.Request.URL.Path))); err == nil {
					body = shaped
				}
			}
		}
		w.Header().Del("Content-Length")
		_, _ = w.ResponseWriter.Write(body)
	}
}

// withoutCostColumns drops the export columns that carry cost for an
// actor without cost:read.
func withoutCostColumns(c *gin.Context, cols []app.ReportColumn) []app.ReportColumn {
	if u := app.Actor(c.Request.Context()); u != nil && u.Can(domain.PermCostRead) {
		return cols
	}
	extra := costKeysAt(c.Request.URL.Path)
	out := make([]app.ReportColumn, 0, len(cols))
	for _, col := range cols {
		if !domain.IsCostKey(col.Key) && !extra[col.Key] {
			out = append(out, col)
		}
	}
	return out
}
