package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the Prometheus series of one server. Each server has its own
// registry, so tests can run several side by side.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	scrape   http.Handler
}

func newMetrics(s *store.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "erpd_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "erpd_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	pool := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "erpd_db_pool_" + name, Help: help}, f)
	}
	m.reg.MustRegister(m.requests, m.latency, outboxCollector{s},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "erpd_master_cache_on",
			Help: "1 while master data (users, warehouses, products, partners, rules, templates, accounts) is served from memory; 0 while every read goes to the database, as when Redis is unreachable and other erpd processes could not announce their changes."},
			func() float64 {
				if s.MasterCacheOn() {
					return 1
				}
				return 0
			}),
		pool("open_connections", "Open database connections.", func() float64 { o, _, _, _, _ := s.PoolStats(); return float64(o) }),
		pool("in_use", "Database connections in use.", func() float64 { _, u, _, _, _ := s.PoolStats(); return float64(u) }),
		pool("idle", "Idle database connections.", func() float64 { _, _, i, _, _ := s.PoolStats(); return float64(i) }),
		pool("wait_count", "Total waits for a database connection.", func() float64 { _, _, _, w, _ := s.PoolStats(); return float64(w) }),
		pool("wait_seconds", "Total time waited for a database connection.", func() float64 { _, _, _, _, d := s.PoolStats(); return d.Seconds() }),
	)
	m.scrape = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// No label takes its value from the client: a method or path of the
// client's choosing would add series for good, and a few thousand odd
// requests would make every scrape megabytes long.
func (m *metrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now() // wall clock: request latency, not business time
		c.Next()
		method, route := methodLabel(c.Request.Method), routeLabel(c)
		m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	}
}

// methodLabel keeps the methods HTTP defines; anything else is "other".
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// routeLabel is the route's pattern, never the raw path.
func routeLabel(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// serve answers a scrape. With a token, a scrape must send it as a
// bearer token (401 otherwise); without one the main listener answers 404,
// as if there were no such route, and only a separate listener
// (metrics.listen, on an address only the monitoring reaches) serves it.
func (m *metrics) serve(c *gin.Context, token string, open bool) {
	switch {
	case token != "":
		got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="erpd metrics"`)
			writeError(c, &domain.Error{Kind: domain.KindUnauthorized, Code: "metrics_token_required",
				Message: "读取 /metrics 需要监控令牌 (Authorization: Bearer <metrics.token>)"})
			return
		}
	case !open:
		writeError(c, &domain.Error{Kind: domain.KindNotFound, Code: domain.CodeNotFound, Message: "没有这个接口: " + c.Request.Method + " " + c.Request.URL.Path})
		return
	}
	m.scrape.ServeHTTP(c.Writer, c.Request)
}

var outboxDesc = prometheus.NewDesc("erpd_outbox_messages", "Calls to DingTalk in the outbox by status (pending: waiting or retrying; failed: refused for good).", []string{"status"}, nil)

// outboxCollector counts the outbox at scrape time, in one query: a growing
// pending count means DingTalk is unreachable, failed ones need a look.
type outboxCollector struct{ s *store.Store }

func (outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDesc }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	counts, err := store.OutboxCounts(c.s.Read(context.Background()))
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
		return
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), status)
	}
}
