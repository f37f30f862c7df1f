// Package dingtalk speaks DingTalk's protocols for erpd: a typed OpenAPI
// client for both hosts (api.dingtalk.com, camelCase with a header token;
// oapi.dingtalk.com, snake_case with a query token and an errcode envelope),
// and, in sandbox/, a server that speaks the same wire protocol for
// development and tests. It implements ports declared in domain and never
// imports app or store; base URLs are configuration, never hard-coded.
package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dingerp/erpd/domain"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

// Config configures the OpenAPI client.
type Config struct {
	AppKey    string
	AppSecret string
	APIHost   string // e.g. https://api.dingtalk.com
	OAPIHost  string // e.g. https://oapi.dingtalk.com
	// QPS is the client-side limit per API; DingTalk allows 20 per app per
	// API on the standard edition. Zero means 20.
	QPS float64
	// AgentID is the app's agent id (work notifications, OA forms).
	AgentID int64
	// RobotCode is the app's robot (cards in the bot chat).
	RobotCode string
	HTTP      *http.Client
	Cache     domain.Cache // shares the access token between processes
	Logger    *slog.Logger
}

// Client calls DingTalk's OpenAPI with a cached access token, retries on
// DingTalk's transient errors, and a client-side rate limit per API.
type Client struct {
	cfg      Config
	flight   singleflight.Group
	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// New returns a client; nothing is called until the first request.
func New(cfg Config) *Client {
	if cfg.QPS <= 0 {
		cfg.QPS = 20
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.APIHost = strings.TrimRight(cfg.APIHost, "/")
	cfg.OAPIHost = strings.TrimRight(cfg.OAPIHost, "/")
	return &Client{cfg: cfg, limiters: map[string]*rate.Limiter{}}
}

// Error is an error answered by DingTalk: an oapi errcode or an api code.
type Error struct {
	Status    int    // HTTP status
	Code      string // "40014", "-1", "InvalidAuthentication", …
	Message   string
	RequestID string
	Path      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("dingtalk %s: %s %s (request %s)", e.Path, e.Code, e.Message, e.RequestID)
}

// Retryable reports whether the same call may succeed if tried again:
// DingTalk is busy (-1), a QPS limit was hit, or the server failed.
func (e *Error) Retryable() bool {
	switch e.Code {
	case "-1", "90018", "90002", "systemError":
		return true
	}
	return strings.HasPrefix(e.Code, "Forbidden.AccessDenied.Qps") || e.Status >= 500 ||
		e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// Outage reports whether DingTalk (or the way to it) is down or throttling,
// as opposed to this call being wrong: callers with a queue stop sending
// for a while.
func (e *Error) Outage() bool {
	return e.Code == "-1" || e.QPSLimited() || e.Status >= 500 || e.Status == http.StatusTooManyRequests ||
		e.Status == http.StatusRequestTimeout
}

// Permanent reports whether DingTalk refused the call for good (bad
// parameters, unknown template or user): trying again cannot help.
func (e *Error) Permanent() bool {
	// Revoking within 15 s of the start is refused for now, not for good.
	return !e.Retryable() && !e.TokenInvalid() && e.Code != "processInstanceTerminateFailed" && e.Code != "bad_response"
}

// QPSLimited reports whether a per-second call limit refused the call.
func (e *Error) QPSLimited() bool {
	return e.Code == "90018" || e.Code == "90002" || strings.HasPrefix(e.Code, "Forbidden.AccessDenied.Qps")
}

// TokenInvalid reports whether the access token was refused, so a fresh one
// may succeed.
func (e *Error) TokenInvalid() bool {
	switch e.Code {
	case "40014", "42001", "40001", "88", "InvalidAuthentication":
		return true
	}
	return false
}

const tokenKeyPrefix = "dingtalk:token:"

// Token returns the app's access token: from the shared cache while it is
// fresh, else fetched once (concurrent callers in this process share the
// fetch) and cached until ten minutes before it expires.
func (c *Client) Token(ctx context.Context) (string, error) {
	key := tokenKeyPrefix + c.cfg.AppKey
	if c.cfg.Cache != nil {
		if tok, ok, err := c.cfg.Cache.Get(ctx, key); err == nil && ok {
			return tok, nil
		}
	}
	v, err, _ := c.flight.Do(key, func() (any, error) { return c.fetchToken(ctx) })
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func (c *Client) fetchToken(ctx context.Context) (string, error) {
	var out struct {
		AccessToken string `json:"accessToken"`
		ExpireIn    int64  `json:"expireIn"`
	}
	in := map[string]string{"appKey": c.cfg.AppKey, "appSecret": c.cfg.AppSecret}
	if err := c.call(ctx, http.MethodPost, c.cfg.APIHost, "/v1.0/oauth2/accessToken", nil, in, &out, false, ""); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", &Error{Path: "/v1.0/oauth2/accessToken", Code: "empty_token", Message: "DingTalk returned no access token"}
	}
	ttl := time.Duration(out.ExpireIn)*time.Second - 10*time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if c.cfg.Cache != nil {
		if err := c.cfg.Cache.Set(ctx, tokenKeyPrefix+c.cfg.AppKey, out.AccessToken, ttl); err != nil {
			c.cfg.Logger.Warn("dingtalk: cache token", "err", err)
		}
	}
	return out.AccessToken, nil
}

func (c *Client) forgetToken(ctx context.Context, tok string) {
	if c.cfg.Cache == nil {
		return
	}
	key := tokenKeyPrefix + c.cfg.AppKey
	if cur, ok, _ := c.cfg.Cache.Get(ctx, key); ok && cur == tok {
		_ = c.cfg.Cache.Del(ctx, key)
	}
}

func (c *Client) limiter(path string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[path]
	if !ok {
		// Evenly spaced, no burst: DingTalk counts calls per second, and a
		// full bucket spent at once plus a second's refill would double it.
		l = rate.NewLimiter(rate.Limit(c.cfg.QPS), 1)
		c.limiters[path] = l
	}
	return l
}

// maxAttempts bounds retries of one call (DingTalk advises at most 3 on -1).
const maxAttempts = 3

// API calls api.dingtalk.com with the token header.
func (c *Client) API(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.withToken(ctx, !creates[path], func(tok string) error {
		return c.call(ctx, method, c.cfg.APIHost, path, query, in, out, false, tok)
	})
}

// OAPI calls oapi.dingtalk.com: POST JSON with the token in the query and
// the errcode envelope; out receives the whole envelope.
func (c *Client) OAPI(ctx context.Context, path string, in, out any) error {
	return c.withToken(ctx, !creates[path], func(tok string) error {
		return c.call(ctx, http.MethodPost, c.cfg.OAPIHost, path, url.Values{"access_token": {tok}}, in, out, true, "")
	})
}

// creates are the calls that make something new at DingTalk each time they
// arrive: an OA instance, a work notice, a card. When the connection fails
// after such a request may have been sent, DingTalk may have carried it
// out, so it is not sent again here; the caller decides (an OA start is
// looked up before it is tried again).
var creates = map[string]bool{
	"/v1.0/workflow/processInstances":               true,
	"/topapi/message/corpconversation/asyncsend_v2": true,
	"/v1.0/card/instances/createAndDeliver":         true,
}

// withToken runs fn with the access token, retrying transient errors with
// backoff and a refused token once with a fresh one. A network error is
// retried when resend is set, or when the connection was never made.
func (c *Client) withToken(ctx context.Context, resend bool, fn func(tok string) error) error {
	refreshed := false
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		var tok string
		if tok, err = c.Token(ctx); err != nil {
			return err
		}
		err = fn(tok)
		var de *Error
		switch {
		case err == nil:
			return nil
		case errors.As(err, &de) && de.TokenInvalid() && !refreshed:
			c.forgetToken(ctx, tok)
			refreshed = true
			attempt-- // a refused token is not the API's failure
			continue
		case errors.As(err, &de) && de.Retryable(), isNetErr(err) && (resend || notSent(err)):
		default:
			return err
		}
		if attempt < maxAttempts {
			wait := time.Duration(50*attempt*attempt) * time.Millisecond
			if errors.As(err, &de) && de.QPSLimited() {
				wait = time.Second // the limit counts per second: wait it out
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
	}
	return err
}

// notSent reports whether err is a failure to connect: the request never
// left, so sending it again cannot do anything twice.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func isNetErr(err error) bool {
	var de *Error
	return err != nil && !errors.As(err, &de) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// call makes one HTTP request and decodes DingTalk's answer into out or
// into an *Error. envelope selects oapi's errcode/errmsg form.
func (c *Client) call(ctx context.Context, method, host, path string, query url.Values, in, out any, envelope bool, tok string) error {
	if err := c.limiter(path).Wait(ctx); err != nil {
		return err
	}
	u := host + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("x-acs-dingtalk-access-token", tok)
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("dingtalk %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("dingtalk %s: %w", path, err)
	}
	if envelope && resp.StatusCode >= 300 {
		// oapi answers its errors with 200; anything else is the server or a
		// proxy in front of it failing.
		return &Error{Status: resp.StatusCode, Path: path, Code: strconv.Itoa(resp.StatusCode), Message: truncate(raw)}
	}
	if envelope {
		var env struct {
			ErrCode   json.Number `json:"errcode"`
			ErrMsg    string      `json:"errmsg"`
			RequestID string      `json:"request_id"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			return &Error{Status: resp.StatusCode, Path: path, Code: "bad_response", Message: strconv.Quote(truncate(raw))}
		}
		if env.ErrCode != "" && env.ErrCode != "0" {
			return &Error{Status: resp.StatusCode, Path: path, Code: env.ErrCode.String(), Message: env.ErrMsg, RequestID: env.RequestID}
		}
	} else if resp.StatusCode >= 300 {
		var e struct {
			Code, Message, RequestID string
		}
		if json.Unmarshal(raw, &e) != nil || e.Code == "" {
			return &Error{Status: resp.StatusCode, Path: path, Code: strconv.Itoa(resp.StatusCode), Message: truncate(raw)}
		}
		return &Error{Status: resp.StatusCode, Path: path, Code: e.Code, Message: e.Message, RequestID: e.RequestID}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Status: resp.StatusCode, Path: path, Code: "bad_response", Message: err.Error()}
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
