package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi/console"
	"github.com/dingerp/erpd/app/httpapi/mobile"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

// Server is the HTTP face of erpd.
type Server struct {
	app     *app.App
	engine  *gin.Engine
	metrics *metrics
	log     *slog.Logger
	// idemLease: see SetIdempotencyLease.
	idemLease time.Duration
	// metricsToken: see SetMetricsToken.
	metricsToken string
}

// DefaultIdempotencyLease outlasts the longest request (the server's write
// timeout is two minutes).
const DefaultIdempotencyLease = 3 * time.Minute

// SetIdempotencyLease sets how long an unfinished Idempotency-Key claim
// blocks a retry of the same request before the retry may run it.
func (s *Server) SetIdempotencyLease(d time.Duration) { s.idemLease = d }

// SetTrustedProxies names the reverse proxies (IPs or CIDRs) whose
// X-Forwarded-For / X-Real-IP headers say who the client is. With none,
// the client address is the socket's peer and those headers are ignored.
func (s *Server) SetTrustedProxies(proxies []string) error {
	s.engine.RemoteIPHeaders = []string{"X-Forwarded-For", "X-Real-IP"}
	s.engine.ForwardedByClientIP = len(proxies) > 0
	if len(proxies) == 0 {
		return s.engine.SetTrustedProxies(nil)
	}
	return s.engine.SetTrustedProxies(proxies)
}

// New builds the router with every route of API.md that exists so far.
func New(a *app.App, log *slog.Logger) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{app: a, engine: gin.New(), metrics: newMetrics(a.Store()), log: log, idemLease: DefaultIdempotencyLease}
	e := s.engine
	// No proxy is trusted until the configuration names one: otherwise
	// anyone could pick their own address with X-Forwarded-For and escape
	// the per-address sign-in throttle (gin trusts every peer by default).
	if err := s.SetTrustedProxies(nil); err != nil {
		panic(err) // nil cannot fail
	}
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.Use(requestID(), securityHeaders(), recovery(), accessLog(log), s.metrics.middleware(), limitBody())
	e.NoRoute(func(c *gin.Context) {
		writeError(c, &domain.Error{Kind: domain.KindNotFound, Code: domain.CodeNotFound, Message: "没有这个接口: " + c.Request.Method + " " + c.Request.URL.Path})
	})
	e.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: errorDetail{Code: domain.CodeMethodNotAllowed,
			Message: "接口不支持 " + c.Request.Method, RequestID: c.GetString(ctxRequestID)}})
	})

	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	if fsys := console.FS(); fsys != nil {
		s.mountConsole(fsys)
	}
	if fsys := mobile.FS(); fsys != nil {
		s.mountSPA("/h5", fsys)
	}
	e.GET("/readyz", s.ready)
	e.GET("/metrics", func(c *gin.Context) { s.metrics.serve(c, s.metricsToken, false) })

	v1 := e.Group("/api/v1")
	v1.POST("/auth/login", s.login)
	v1.POST("/auth/dingtalk", s.loginDingTalk)
	v1.GET("/auth/dingtalk/qr", s.startWebLogin)
	v1.POST("/auth/dingtalk/qr", s.loginWeb)
	v1.GET("/openapi.json", s.openAPI)
	v1.GET("/dingtalk/h5", func(c *gin.Context) { c.JSON(http.StatusOK, a.H5Info()) })

	api := v1.Group("", authenticate(a), hideCost(), idempotency(a.Store(), &s.idemLease))
	api.POST("/auth/logout", s.logout)
	api.GET("/me", s.me)
	api.GET("/dashboard", func(c *gin.Context) { respond(c, http.StatusOK)(a.Dashboard(c.Request.Context())) })
	api.POST("/me/password", s.changePassword)
	api.POST("/me/totp/setup", func(c *gin.Context) { respond(c, http.StatusOK)(a.SetupTOTP(c.Request.Context())) })
	api.POST("/me/totp/enable", func(c *gin.Context) {
		var in totpCodeBody
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		sess, err := a.EnableTOTP(c.Request.Context(), in.Code)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, toSessionBody(sess))
	})
	api.POST("/me/totp/disable", func(c *gin.Context) {
		var in passwordOnlyBody
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		noContent(c, a.DisableTOTP(c.Request.Context(), app.Actor(c.Request.Context()).ID, in.Password))
	})
	api.POST("/users/:id/totp/disable", withID(func(c *gin.Context, id int64) {
		noContent(c, a.DisableTOTP(c.Request.Context(), id, ""))
	}))
	api.GET("/roles", func(c *gin.Context) { respond(c, http.StatusOK)(a.ListRoles(c.Request.Context())) })
	api.POST("/roles", func(c *gin.Context) {
		var in app.RoleInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(a.CreateRole(c.Request.Context(), in))
	})
	api.PUT("/roles/:code", func(c *gin.Context) {
		var in app.RoleInput
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.UpdateRole(c.Request.Context(), domain.Role(c.Param("code")), in))
	})
	api.DELETE("/roles/:code", func(c *gin.Context) {
		noContent(c, a.DeleteRole(c.Request.Context(), domain.Role(c.Param("code"))))
	})
	api.GET("/users", s.listUsers)
	api.POST("/users", s.createUser)
	api.GET("/users/:id", s.getUser)
	api.PUT("/users/:id", s.updateUser)
	api.GET("/audit-logs", s.auditLog)
	api.GET("/audit-logs/names", s.auditLogNames)
	api.POST("/org/sync", func(c *gin.Context) { respond(c, http.StatusOK)(a.SyncOrg(c.Request.Context())) })
	api.GET("/dingtalk/outbox", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListOutbox(c.Request.Context(), c.Query("status"), lp))
	})
	api.GET("/dingtalk/jsapi-config", func(c *gin.Context) {
		respond(c, http.StatusOK)(a.SignJSAPI(c.Request.Context(), c.Query("url")))
	})
	api.POST("/dingtalk/outbox/:id/retry", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(a.RetryOutbox(c.Request.Context(), id))
	}))
	api.GET("/departments", func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(a.ListDepartments(c.Request.Context(), c.Query("status"), lp))
	})

	cat := a.Catalog()
	masterRoutes(api, "/units", cat.Units, nil)
	masterRoutes(api, "/categories", cat.Categories, func(c *gin.Context) (map[string]any, error) {
		m := map[string]any{}
		if v, ok := c.GetQuery("parent_id"); ok {
			id, err := queryID(c, "parent_id")
			if err != nil {
				return nil, err
			}
			if v == "0" {
				m["parent_id"] = nil
			} else {
				m["parent_id"] = id
			}
		}
		return m, nil
	})
	masterRoutes(api, "/products", cat.Products, func(c *gin.Context) (map[string]any, error) {
		m := map[string]any{}
		if id, err := queryID(c, "category_id"); err != nil {
			return nil, err
		} else if id != 0 {
			m["category_id"] = id
		}
		if v := c.Query("status"); v != "" {
			m["status"] = v
		}
		if v := c.Query("barcode"); v != "" {
			m["barcode"] = v
		}
		if v := c.Query("sku"); v != "" {
			m["sku"] = v
		}
		return m, nil
	})
	masterRoutes(api, "/warehouses", cat.Warehouses, statusFilter)
	masterRoutes(api, "/partners", cat.Partners, func(c *gin.Context) (map[string]any, error) {
		m, _ := statusFilter(c)
		switch t := c.Query("type"); t {
		case "":
		case domain.PartnerSupplier, domain.PartnerCustomer:
			m["type"] = []any{t, domain.PartnerBoth} // "both" is a supplier and a customer
		case domain.PartnerBoth:
			m["type"] = t
		default:
			return nil, domain.Invalid("type", "类型只能是 supplier、customer 或 both")
		}
		return m, nil
	})
	api.GET("/partners/:id/addresses", s.listAddresses)
	api.POST("/partners/:id/addresses", s.createAddress)
	api.PUT("/partners/:id/addresses/:aid", s.updateAddress)
	api.DELETE("/partners/:id/addresses/:aid", s.deleteAddress)
	api.GET("/dictionaries/:type/entries", s.listDict)
	api.POST("/dictionaries/:type/entries", s.createDict)
	api.GET("/dictionaries/:type/entries/:id", s.getDict)
	api.PUT("/dictionaries/:type/entries/:id", s.updateDict)
	api.DELETE("/dictionaries/:type/entries/:id", s.deleteDict)

	api.GET("/stock", s.stock)
	api.GET("/stock/moves", s.moves)
	api.POST("/stock/opening", s.postOpening)
	api.GET("/stock/openings/:id", s.getOpening)
	docRoutes(api, "/transfers", docHandlers[app.TransferInput, *domain.Transfer]{
		create: a.CreateTransfer, update: a.UpdateTransfer, get: a.GetTransfer, post: a.PostTransfer, cancel: a.CancelTransfer,
		list: func(ctx context.Context, f app.DocFilter, lp app.ListParams) (any, error) {
			return a.ListTransfers(ctx, f, lp)
		},
	})
	docRoutes(api, "/stocktakes", docHandlers[app.StocktakeInput, *domain.Stocktake]{
		create: a.CreateStocktake, update: a.UpdateStocktake, get: a.GetStocktake, post: a.PostStocktake, cancel: a.CancelStocktake,
		list: func(ctx context.Context, f app.DocFilter, lp app.ListParams) (any, error) {
			return a.ListStocktakes(ctx, f, lp)
		},
	})
	s.purchaseRoutes(api)
	s.ledgerRoutes(api)
	s.moneyRoutes(api, "/receipts", domain.DocMoneyReceipt)
	s.moneyRoutes(api, "/payments", domain.DocMoneyPayment)
	s.openItemRoutes(api)
	s.invoiceRoutes(api, "/sales-invoices", domain.DocSalesInvoice)
	s.invoiceRoutes(api, "/purchase-invoices", domain.DocPurchaseInvoice)
	return s
}

// Handler is the http.Handler of the server.
func (s *Server) Handler() http.Handler { return s.engine }

// SetMetricsToken makes /metrics answer scrapes that send token as a
// bearer token (metrics.token); on the main listener it is otherwise 404.
func (s *Server) SetMetricsToken(token string) { s.metricsToken = token }

// MetricsHandler serves /metrics alone, for a listener of its own
// (metrics.listen) that only the monitoring reaches; it asks for the token
// too when one is set.
func (s *Server) MetricsHandler() http.Handler {
	e := gin.New()
	e.Use(recovery())
	e.GET("/metrics", func(c *gin.Context) { s.metrics.serve(c, s.metricsToken, true) })
	e.NoRoute(func(c *gin.Context) {
		writeError(c, &domain.Error{Kind: domain.KindNotFound, Code: domain.CodeNotFound, Message: "没有这个接口: " + c.Request.Method + " " + c.Request.URL.Path})
	})
	return e
}

func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{"database": "ok", "cache": "ok"}
	ok := true
	if err := s.app.Store().Ping(ctx); err != nil {
		checks["database"], ok = "unavailable", false
		s.log.Warn("readyz: database", "err", err)
	}
	if err := s.app.Cache().Ping(ctx); err != nil {
		checks["cache"], ok = "unavailable", false
		s.log.Warn("readyz: cache", "err", err)
	}
	if !ok {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "checks": checks})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": checks})
}

func statusFilter(c *gin.Context) (map[string]any, error) {
	m := map[string]any{}
	if v := c.Query("status"); v != "" {
		m["status"] = v
	}
	return m, nil
}

// masterRoutes mounts list/create/get/update/delete of one master table.
func masterRoutes[T any, I any](g *gin.RouterGroup, path string, m *app.Master[T, I], filter func(*gin.Context) (map[string]any, error)) {
	g.GET(path, func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		var exact map[string]any
		if filter != nil {
			if exact, err = filter(c); err != nil {
				writeError(c, err)
				return
			}
		}
		respond(c, http.StatusOK)(m.List(c.Request.Context(), lp, exact))
	})
	g.POST(path, func(c *gin.Context) {
		var in I
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(m.Create(c.Request.Context(), in))
	})
	g.GET(path+"/:id", func(c *gin.Context) {
		id, err := pathID(c)
		if err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(m.Get(c.Request.Context(), id))
	})
	g.PUT(path+"/:id", func(c *gin.Context) {
		id, err := pathID(c)
		if err != nil {
			writeError(c, err)
			return
		}
		var in I
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(m.Update(c.Request.Context(), id, in))
	})
	g.DELETE(path+"/:id", func(c *gin.Context) {
		id, err := pathID(c)
		if err != nil {
			writeError(c, err)
			return
		}
		if err := m.Delete(c.Request.Context(), id); err != nil {
			writeError(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	})
}

// respond renders a use case's result or error.
func respond(c *gin.Context, status int) func(any, error) {
	return func(v any, err error) {
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(status, v)
	}
}

// docHandlers are the use cases of a draft → posted document type.
type docHandlers[I any, D any] struct {
	create func(context.Context, I) (D, error)
	update func(context.Context, int64, I) (D, error)
	get    func(context.Context, int64) (D, error)
	post   func(context.Context, int64, int) (D, error)
	cancel func(context.Context, int64) (D, error)
	list   func(context.Context, app.DocFilter, app.ListParams) (any, error)
}

type versionBody struct {
	Version int `json:"version"`
}

func docRoutes[I any, D any](g *gin.RouterGroup, path string, h docHandlers[I, D]) {
	g.GET(path, func(c *gin.Context) {
		lp, err := listParams(c)
		if err != nil {
			writeError(c, err)
			return
		}
		f := app.DocFilter{Status: c.Query("status"), Number: c.Query("number")}
		if f.WarehouseID, err = queryID(c, "warehouse_id"); err != nil {
			writeError(c, err)
			return
		}
		if f.From, f.To, err = queryRange(c); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(h.list(c.Request.Context(), f, lp))
	})
	g.POST(path, func(c *gin.Context) {
		var in I
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusCreated)(h.create(c.Request.Context(), in))
	})
	g.GET(path+"/:id", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(h.get(c.Request.Context(), id))
	}))
	g.PUT(path+"/:id", withID(func(c *gin.Context, id int64) {
		var in I
		if err := bind(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(h.update(c.Request.Context(), id, in))
	}))
	g.POST(path+"/:id/post", withID(func(c *gin.Context, id int64) {
		var in versionBody
		if err := bindOptional(c, &in); err != nil {
			writeError(c, err)
			return
		}
		respond(c, http.StatusOK)(h.post(c.Request.Context(), id, in.Version))
	}))
	g.POST(path+"/:id/cancel", withID(func(c *gin.Context, id int64) {
		respond(c, http.StatusOK)(h.cancel(c.Request.Context(), id))
	}))
}
