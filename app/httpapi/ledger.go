package httpapi

import (
	"net/http"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/store"
	"github.com/gin-gonic/gin"
)

// ledgerRoutes are the books: the chart, vouchers and their templates. The
// statements are reports (/reports/trial-balance?period=…).
func (s *Server) ledgerRoutes(g *gin.RouterGroup) {
	a := s.app
	g.GET("/accounts", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListAccounts(c.Request.Context(), lp))
	})
	g.POST("/accounts", func(c *gin.Context) {
		var in app.AccountInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateAccount(c.Request.Context(), in))
	})
	g.PUT("/accounts/:id", withID(func(c *gin.Context, id int64) {
		var in app.AccountInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.UpdateAccount(c.Request.Context(), id, in))
	}))
	g.DELETE("/accounts/:id", withID(func(c *gin.Context, id int64) {
		if err := a.DeleteAccount(c.Request.Context(), id); err != nil {
			writeError(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}))

	g.GET("/vouchers", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		f := store.VoucherFilter{Period: c.Query("period"), Source: c.Query("source"), Review: c.Query("review")}
		if f.SourceID, err = queryID(c, "source_id"); err == nil {
			f.AccountID, err = queryID(c, "account_id")
		}
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListVouchers(c.Request.Context(), f, lp))
	})
	g.GET("/vouchers/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetVoucher(c.Request.Context(), id))
	}))
	g.POST("/vouchers", func(c *gin.Context) {
		var in app.VoucherInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateVoucher(c.Request.Context(), in))
	})
	g.POST("/vouchers/:id/reverse", withID(func(c *gin.Context, id int64) {
		var in struct {
			Date string `json:"date"`
		}
		if err := bindOptional(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.ReverseVoucher(c.Request.Context(), id, in.Date))
	}))
	g.POST("/vouchers/:id/review", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.ReviewVoucher(c.Request.Context(), id))
	}))
	g.POST("/vouchers/:id/unreview", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.UnreviewVoucher(c.Request.Context(), id))
	}))
	g.GET("/finance-settings", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.GetFinanceSettings(c.Request.Context()))
	})
	g.PUT("/finance-settings", func(c *gin.Context) {
		var in app.FinanceSettingsInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.UpdateFinanceSettings(c.Request.Context(), in))
	})
	g.GET("/periods", func(c *gin.Context) {
		items, err := a.ListPeriods(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, itemsOf(items))
	})
	g.GET("/periods/:period/checklist", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.PeriodChecklist(c.Request.Context(), c.Param("period")))
	})
	g.POST("/periods/:period/close", func(c *gin.Context) {
		var in app.CloseInput
		if err := bindOptional(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ClosePeriod(c.Request.Context(), c.Param("period"), in))
	})
	g.POST("/periods/:period/reopen", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.ReopenPeriod(c.Request.Context(), c.Param("period")))
	})
	// Going live (期初): the accounts' openings, their 试算平衡.
	g.GET("/opening-balances", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.GetOpeningBalances(c.Request.Context()))
	})
	g.GET("/opening-balances/check", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.CheckOpeningBalances(c.Request.Context()))
	})
	g.PUT("/opening-balances", func(c *gin.Context) {
		var in app.OpeningBalancesInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.PutOpeningBalances(c.Request.Context(), in))
	})
	// 期初往来: the receivables and payables open at go-live.
	g.GET("/opening-items", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.ListOpeningItems(c.Request.Context()))
	})
	g.PUT("/opening-items", func(c *gin.Context) {
		var in app.OpeningItemsInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.PutOpeningItems(c.Request.Context(), in))
	})
	g.GET("/cash-flow-items", func(c *gin.Context) {
		items, err := a.CashFlowItems(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, itemsOf(items))
	})
	g.GET("/voucher-templates", func(c *gin.Context) {
		items, err := a.ListTemplates(c.Request.Context())
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, itemsOf(items))
	})
	g.PUT("/voucher-templates/:event", func(c *gin.Context) {
		var in app.TemplateInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.UpdateTemplate(c.Request.Context(), c.Param("event"), in))
	})
}

// moneyRoutes are receipts (收款) and payments (付款).
func (s *Server) moneyRoutes(g *gin.RouterGroup, path, typ string) {
	a := s.app
	g.GET(path, func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		pid, err := queryID(c, "partner_id")
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListMoneyDocs(c.Request.Context(), typ, pid, lp))
	})
	g.GET(path+"/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetMoneyDoc(c.Request.Context(), typ, id))
	}))
	g.POST(path, func(c *gin.Context) {
		var in app.MoneyInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateMoneyDoc(c.Request.Context(), typ, in))
	})
}

// openItemRoutes list the receivable and payable items (往来明细).
func (s *Server) openItemRoutes(g *gin.RouterGroup) {
	g.GET("/open-items", func(c *gin.Context) {
		pid, err := queryID(c, "partner_id")
		if err != nil {
			writeError(c, err)
			return
		}
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(s.app.ListOpenItems(c.Request.Context(), pid, c.Query("kind"), c.DefaultQuery("status", "open"), lp))
	})
}

// invoiceRoutes are sales invoices (销售开票) and purchase invoices
// (采购收票), and the documents waiting for one.
func (s *Server) invoiceRoutes(g *gin.RouterGroup, path, typ string) {
	a := s.app
	g.GET(path, func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		pid, err := queryID(c, "partner_id")
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListInvoices(c.Request.Context(), typ, pid, lp))
	})
	g.GET(path+"/pending", func(c *gin.Context) {
		pid, err := queryID(c, "partner_id")
		if err != nil {
			writeError(c, err)
			return
		}
		items, err := a.PendingInvoiceDocs(c.Request.Context(), typ, pid)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, itemsOf(items))
	})
	g.GET(path+"/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.GetInvoice(c.Request.Context(), typ, id))
	}))
	g.POST(path, func(c *gin.Context) {
		var in app.InvoiceInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateInvoice(c.Request.Context(), typ, in))
	})
}
