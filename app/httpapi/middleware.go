package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/gin-gonic/gin"
)

const (
	ctxRequestID = "request_id"
	ctxUser      = "user"
	// maxBody bounds request bodies; a 5,000-line document fits easily.
	maxBody = 4 << 20
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._\-]{1,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID gives every request an id, reusing a sane incoming X-Request-Id
// so a trace can cross a proxy, and puts it on the response and the context.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if !requestIDPattern.MatchString(id) {
			id = newRequestID()
		}
		c.Set(ctxRequestID, id)
		c.Header("X-Request-Id", id)
		c.Request = c.Request.WithContext(app.WithRequestID(c.Request.Context(), id))
		c.Next()
	}
}

// accessLog logs one line per request.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now() // wall clock: request latency, not business time
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			level = slog.LevelDebug
		}
		attrs := []any{"method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", c.GetString(ctxRequestID), "ip", c.ClientIP()}
		if u, ok := c.Get(ctxUser); ok {
			attrs = append(attrs, "user_id", u.(*domain.User).ID)
		}
		log.Log(c.Request.Context(), level, "http", attrs...)
	}
}

// recovery turns a panic into a logged 500 with the usual error body.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				writeError(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// limitBody caps the request body.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
		}
		c.Next()
	}
}

// authenticate resolves the bearer token to a user and makes it the actor.
// enrolRoutes are all an enrolment session (a user whose role requires
// two-step sign-in, not yet turned on) may reach: who am I, enrol, leave.
var enrolRoutes = map[string]bool{"GET /api/v1/me": true, "POST /api/v1/me/totp/setup": true,
	"POST /api/v1/me/totp/enable": true, "POST /api/v1/auth/logout": true}

func authenticate(a *app.App) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			writeError(c, domain.ErrUnauthorized.WithMessage("请先登录 (缺少 Authorization: Bearer 令牌)"))
			return
		}
		u, enrol, err := a.AuthenticateEnrolment(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			writeError(c, err)
			return
		}
		if enrol && !enrolRoutes[c.Request.Method+" "+c.FullPath()] {
			writeError(c, app.ErrTOTPEnrolment)
			return
		}
		c.Set(ctxUser, u)
		c.Request = c.Request.WithContext(app.WithActor(c.Request.Context(), u))
		c.Next()
	}
}

var idemKeyPattern = regexp.MustCompile(`^[\x21-\x7e]{1,128}$`)

// idemTTL is how long a POST's response is kept for replay.
const idemTTL = 24 * time.Hour

// idempotency makes a POST with an Idempotency-Key safe to retry: the first
// response is stored and replayed for the same key and body; the same key
// with another body is refused. Keys are scoped to the user and the route.
//
// lease is how long a claim may stay pending before a retry may take it
// over: longer than any request runs, so only a request whose process died
// before writing anything is run again.
func idempotency(s *store.Store, lease *time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader("Idempotency-Key")
		if c.Request.Method != http.MethodPost || key == "" {
			c.Next()
			return
		}
		if !idemKeyPattern.MatchString(key) {
			writeError(c, &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Field: "Idempotency-Key",
				Message: "Idempotency-Key 应为 1-128 个可打印 ASCII 字符"})
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			writeError(c, bodyError(err))
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		uid := int64(0)
		if u, ok := c.Get(ctxUser); ok {
			uid = u.(*domain.User).ID
		}
		scope := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s", uid, c.Request.URL.Path, key)))
		bodyHash := sha256.Sum256(body)
		fullKey, hash := hex.EncodeToString(scope[:]), hex.EncodeToString(bodyHash[:])

		ctx := c.Request.Context()
		rec, claimed, err := s.IdemClaim(ctx, fullKey, hash, idemTTL, *lease)
		if err != nil {
			writeError(c, err)
			return
		}
		if !claimed {
			switch {
			case rec.RequestHash != hash:
				writeError(c, &domain.Error{Kind: domain.KindConflict, Code: domain.CodeIdempotencyReuse, Field: "Idempotency-Key",
					Message: "该 Idempotency-Key 已用于另一个不同的请求"})
			case rec.State == store.IdemCommitted:
				writeError(c, &domain.Error{Kind: domain.KindConflict, Code: domain.CodeIdempotencyCommitted, Field: "Idempotency-Key",
					Message: "该请求已处理成功，但结果未能返回（服务曾中断）；请刷新查看结果，不要重复提交"})
			case rec.State != store.IdemDone:
				writeError(c, &domain.Error{Kind: domain.KindConflict, Code: domain.CodeIdempotencyBusy, Field: "Idempotency-Key",
					Message: "相同 Idempotency-Key 的请求正在处理中，请稍后重试"})
			default:
				c.Header("Idempotent-Replayed", "true")
				c.Data(rec.StatusCode, rec.ContentType, []byte(rec.Response))
				c.Abort()
			}
			return
		}
		rw := &capture{ResponseWriter: c.Writer}
		c.Writer = rw
		c.Request = c.Request.WithContext(store.WithIdemKey(ctx, fullKey))
		c.Next()
		// The claim is settled even if the client went away meanwhile.
		settle := context.WithoutCancel(ctx)
		status := rw.Status()
		if status >= 500 || status == http.StatusTooManyRequests || status == StatusClientClosed {
			if err := s.IdemRelease(settle, fullKey); err != nil {
				slog.Error("idempotency release", "err", err)
			}
			return
		}
		if err := s.IdemComplete(settle, fullKey, status, rw.buf.String(), rw.Header().Get("Content-Type")); err != nil {
			slog.Error("idempotency complete", "err", err)
		}
	}
}

// capture keeps a copy of the response body for the idempotency record.
type capture struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *capture) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *capture) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &domain.Error{Kind: domain.KindTooLarge, Code: domain.CodeTooLarge, Message: fmt.Sprintf("请求体超过 %d MB", maxBody>>20)}
	}
	return &domain.Error{Kind: domain.KindMalformed, Code: domain.CodeMalformed, Message: "无法读取请求体"}
}
