package httpapi

import (
	"context"
	"net/http"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"
)

// orderRoutes mounts one order type: list, create, get, update, submit,
// cancel, close, copy.
func orderRoutes(g *gin.RouterGroup, path, typ string, a *app.App) {
	g.GET(path, func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		f := app.OrderFilter{Status: c.Query("status"), Number: c.Query("number")}
		if f.PartnerID, err = queryID(c, "partner_id"); err == nil {
			if f.WarehouseID, err = queryID(c, "warehouse_id"); err == nil {
				f.From, f.To, err = queryDates(c)
			}
		}
		if err != nil {
			writeError(c, err)
			return
		}
		listOrExport(c, lp, domain.DocName(typ), orderExportCols, func(lp app.ListParams) (any, error) {
			return a.ListOrders(c.Request.Context(), typ, f, lp)
		})
	})
	g.POST(path, func(c *gin.Context) {
		var in app.OrderInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateOrder(c.Request.Context(), typ, in))
	})
	g.GET(path+"/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetOrder(c.Request.Context(), typ, id))
	}))
	g.PUT(path+"/:id", withID(func(c *gin.Context, id int64) {
		var in app.OrderInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.UpdateOrder(c.Request.Context(), typ, id, in))
	}))
	g.POST(path+"/:id/submit", withID(func(c *gin.Context, id int64) {
		var in versionBody
		if err := bindOptional(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.SubmitOrder(c.Request.Context(), typ, id, in.Version))
	}))
	g.POST(path+"/:id/cancel", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.CancelOrder(c.Request.Context(), typ, id))
	}))
	g.POST(path+"/:id/close", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.CloseOrder(c.Request.Context(), typ, id))
	}))
	g.POST(path+"/:id/copy", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusCreated)(a.CopyOrder(c.Request.Context(), typ, id))
	}))
}

// queryDates reads from/to as business dates (inclusive), validated.
func queryDates(c *gin.Context) (from, to string, err error) {
	for _, name := range []string{"from", "to"} {
		if v := c.Query(name); v != "" {
			if _, err := domain.ParseLocalDate(name, v); err != nil {
				return "", "", err
			}
		}
	}
	return c.Query("from"), c.Query("to"), nil
}

func withID(fn func(c *gin.Context, id int64)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c)
		if err != nil {
			writeError(c, err)
			return
		}
		fn(c, id)
	}
}

// moveLineBody is a line of a receipt, shipment or return as API.md names
// it: the line it refers to is order_line_id, receipt_line_id or
// shipment_line_id.
type moveLineBody struct {
	OrderLineID    int64           `json:"order_line_id"`
	ReceiptLineID  int64           `json:"receipt_line_id"`
	ShipmentLineID int64           `json:"shipment_line_id"`
	Qty            decimal.Decimal `json:"qty"`
	Batch          string          `json:"batch"`
	Expiry         *string         `json:"expiry"`
}

type fulfilBody struct {
	OrderID     int64          `json:"order_id"`
	WarehouseID int64          `json:"warehouse_id"`
	Remark      string         `json:"remark"`
	Lines       []moveLineBody `json:"lines"`
}

// shipmentBody is a fulfilment with its delivery information (发货信息):
// one of the customer's addresses by id, or the address typed, and the
// shipping method, carrier and waybill.
type shipmentBody struct {
	fulfilBody
	AddressID *int64 `json:"address_id"`
	domain.Delivery
}

type returnBody struct {
	ReceiptID  int64          `json:"receipt_id"`
	ShipmentID int64          `json:"shipment_id"`
	Remark     string         `json:"remark"`
	Lines      []moveLineBody `json:"lines"`
}

func moveLines(in []moveLineBody, pick func(moveLineBody) int64) []domain.MoveLine {
	out := make([]domain.MoveLine, len(in))
	for i, l := range in {
		out[i] = domain.MoveLine{LineID: pick(l), Qty: l.Qty, Batch: l.Batch, Expiry: l.Expiry}
	}
	return out
}

// stockDocRoutes mounts a receipt, shipment or return type: list, post, get.
func stockDocRoutes(g *gin.RouterGroup, path, typ string, a *app.App, post func(ctx context.Context, c *gin.Context) (any, error)) {
	g.GET(path, func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		f := app.StockDocFilter{Number: c.Query("number")}
		if f.OrderID, err = queryID(c, "order_id"); err == nil {
			if f.PartnerID, err = queryID(c, "partner_id"); err == nil {
				if f.WarehouseID, err = queryID(c, "warehouse_id"); err == nil {
					f.From, f.To, err = queryRange(c)
				}
			}
		}
		if err != nil {
			writeError(c, err)
			return
		}
		cols := stockDocExportCols
		if typ == domain.DocSalesShipment {
			cols = shipmentExportCols
		}
		listOrExport(c, lp, domain.DocName(typ), cols, func(lp app.ListParams) (any, error) {
			return a.ListStockDocs(c.Request.Context(), typ, f, lp)
		})
	})
	g.POST(path, func(c *gin.Context) { respond(c, http.StatusCreated)(post(c.Request.Context(), c)) })
	g.GET(path+"/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetStockDoc(c.Request.Context(), typ, id))
	}))
}

func (s *Server) purchaseRoutes(g *gin.RouterGroup) {
	a := s.app
	orderRoutes(g, "/purchase-orders", domain.DocPurchaseOrder, a)
	orderRoutes(g, "/sales-orders", domain.DocSalesOrder, a)
	stockDocRoutes(g, "/purchase-receipts", domain.DocPurchaseReceipt, a, func(ctx context.Context, c *gin.Context) (any, error) {
		var in fulfilBody
		if err := bind(c, &in); err != nil {
			return nil, err
		}
		return a.PostReceipt(ctx, app.ReceiptInput{OrderID: in.OrderID, WarehouseID: in.WarehouseID, Remark: in.Remark,
			Lines: moveLines(in.Lines, func(l moveLineBody) int64 { return l.OrderLineID })})
	})
	stockDocRoutes(g, "/sales-shipments", domain.DocSalesShipment, a, func(ctx context.Context, c *gin.Context) (any, error) {
		var in shipmentBody
		if err := bind(c, &in); err != nil {
			return nil, err
		}
		return a.PostShipment(ctx, app.ShipmentInput{OrderID: in.OrderID, WarehouseID: in.WarehouseID, Remark: in.Remark,
			Lines:     moveLines(in.Lines, func(l moveLineBody) int64 { return l.OrderLineID }),
			AddressID: in.AddressID, Delivery: in.Delivery})
	})
	stockDocRoutes(g, "/purchase-returns", domain.DocPurchaseReturn, a, func(ctx context.Context, c *gin.Context) (any, error) {
		var in returnBody
		if err := bind(c, &in); err != nil {
			return nil, err
		}
		return a.PostPurchaseReturn(ctx, app.ReturnInput{SourceID: in.ReceiptID, Remark: in.Remark,
			Lines: moveLines(in.Lines, func(l moveLineBody) int64 { return l.ReceiptLineID })})
	})
	stockDocRoutes(g, "/sales-returns", domain.DocSalesReturn, a, func(ctx context.Context, c *gin.Context) (any, error) {
		var in returnBody
		if err := bind(c, &in); err != nil {
			return nil, err
		}
		return a.PostSalesReturn(ctx, app.ReturnInput{SourceID: in.ShipmentID, Remark: in.Remark,
			Lines: moveLines(in.Lines, func(l moveLineBody) int64 { return l.ShipmentLineID })})
	})

	g.GET("/approvals", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListApprovals(c.Request.Context(), c.Query("status"), lp))
	})
	g.GET("/approvals/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetApproval(c.Request.Context(), id))
	}))
	type decision struct {
		Comment string `json:"comment"`
	}
	for _, d := range []struct {
		path    string
		approve bool
	}{{"/approvals/:id/approve", true}, {"/approvals/:id/reject", false}} {
		g.POST(d.path, withID(func(c *gin.Context, id int64) {
			var in decision
			if err := bindOptional(c, &in); err != nil {
				writeError(c, err)
				return
			}
			respond(c, http.StatusOK)(a.Decide(c.Request.Context(), id, d.approve, in.Comment))
		}))
	}
	masterRoutes(g, "/approval-rules", a.ApprovalRules(), nil)
	g.GET("/reports/:name", s.report)
	g.GET("/imports/:kind/template", s.importTemplate)
	g.POST("/imports/:kind", s.importFile)

	g.GET("/purchase-requisitions", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		wh, err := queryID(c, "warehouse_id")
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListRequisitions(c.Request.Context(), c.Query("status"), c.Query("source"), wh, lp))
	})
	g.POST("/purchase-requisitions", func(c *gin.Context) {
		var in app.RequisitionInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateRequisition(c.Request.Context(), in))
	})
	g.GET("/purchase-requisitions/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetRequisition(c.Request.Context(), id))
	}))
	g.PUT("/purchase-requisitions/:id", withID(func(c *gin.Context, id int64) {
		var in app.RequisitionInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.UpdateRequisition(c.Request.Context(), id, in))
	}))
	g.POST("/purchase-requisitions/:id/cancel", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.CancelRequisition(c.Request.Context(), id))
	}))
	g.POST("/purchase-requisitions/:id/order", withID(func(c *gin.Context, id int64) {
		var in app.RequisitionOrderInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.OrderRequisition(c.Request.Context(), id, in))
	}))
	g.GET("/reorder-suggestions", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		wh, err := queryID(c, "warehouse_id")
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ReorderSuggestions(c.Request.Context(), wh, lp))
	})
	g.GET("/reorder-levels", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		wh, err := queryID(c, "warehouse_id")
		if err != nil {
			writeError(c, err)
			return
		}
		pid, err := queryID(c, "product_id")
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ReorderLevels(c.Request.Context(), wh, pid, lp))
	})
	g.PUT("/reorder-levels", func(c *gin.Context) {
		var in app.ReorderLevelsInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.SetReorderLevels(c.Request.Context(), in))
	})
	g.POST("/reorder-check", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.RunReorderCheck(c.Request.Context()))
	})
}
