// Package httpapi is erpd's HTTP transport: the /api/v1 routes on gin, the
// middleware (request ids, logging, metrics, auth, idempotency) and the one
// map from domain error kinds to HTTP statuses. Handlers parse, call one
// use case, and render.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

// statusByKind is the only place a domain error becomes an HTTP status.
var statusByKind = map[domain.Kind]int{
	domain.KindInternal:     http.StatusInternalServerError,
	domain.KindMalformed:    http.StatusBadRequest,
	domain.KindInvalid:      http.StatusUnprocessableEntity,
	domain.KindNotFound:     http.StatusNotFound,
	domain.KindConflict:     http.StatusConflict,
	domain.KindUnauthorized: http.StatusUnauthorized,
	domain.KindForbidden:    http.StatusForbidden,
	domain.KindRateLimited:  http.StatusTooManyRequests,
	domain.KindUnavailable:  http.StatusServiceUnavailable,
	domain.KindTooLarge:     http.StatusRequestEntityTooLarge,
	// Misconfigured: the service as configured cannot do it, which no
	// retry changes (so no Retry-After), and the message tells the user
	// whom to ask.
	domain.KindMisconfigured:    http.StatusServiceUnavailable,
	domain.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
}

// StatusClientClosed is nginx's 499: the client went away before the
// answer. It is neither a server error (no 5xx to alert on, no error log)
// nor an answer anyone reads.
const StatusClientClosed = 499

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Field     string         `json:"field,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// writeError renders err. Internal errors are logged with the request id and
// shown only as a generic message: no SQL or stack ever reaches a client.
func writeError(c *gin.Context, err error) {
	e := domain.AsError(err)
	if e == nil {
		e = &domain.Error{Kind: domain.KindInternal, Code: domain.CodeInternal}
	}
	status := statusByKind[e.Kind]
	rid := c.GetString(ctxRequestID)
	if (e.Kind == domain.KindInternal || e.Kind == domain.KindUnavailable) && clientGone(c) {
		slog.Info("client closed the request", "request_id", rid, "route", c.FullPath(), "err", err)
		c.AbortWithStatusJSON(StatusClientClosed, errorBody{Error: errorDetail{Code: "client_closed_request",
			Message: "客户端已断开连接", RequestID: rid}})
		return
	}
	body := errorDetail{Code: e.Code, Message: e.Message, Field: e.Field, Details: e.Details, RequestID: rid}
	if e.Kind == domain.KindInternal {
		slog.Error("internal error", "request_id", rid, "route", c.FullPath(), "err", err)
		body = errorDetail{Code: domain.CodeInternal, Message: "服务器内部错误，请联系管理员并提供请求编号 " + rid, RequestID: rid}
	} else if e.Kind == domain.KindMisconfigured {
		slog.Warn("misconfigured", "request_id", rid, "route", c.FullPath(), "code", e.Code)
	} else if e.Kind == domain.KindUnavailable {
		slog.Warn("unavailable", "request_id", rid, "route", c.FullPath(), "err", err)
		c.Header("Retry-After", "1")
	}
	if errors.Is(err, domain.ErrUnauthorized) || e.Code == domain.CodeBadCredentials {
		c.Header("WWW-Authenticate", `Bearer realm="erpd"`)
	}
	c.AbortWithStatusJSON(status, errorBody{Error: body})
}

// clientGone tells a failure caused by the client abandoning the request
// (its context canceled, so the database call was cut short) from a real
// one. A deadline of the server's own, or a cancellation inside it, is
// not the client's doing and stays a 5xx.
func clientGone(c *gin.Context) bool {
	return errors.Is(c.Request.Context().Err(), context.Canceled)
}
