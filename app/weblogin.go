package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
)

// WebLoginPath is the console page DingTalk sends the browser back to
// after a scan; the app's redirect URL (回调域名) must allow it.
const WebLoginPath = "/console/login/dingtalk"

const oauthStateTTL = 10 * time.Minute

// WebLoginStartLimit is how many QR sign-ins one client address may begin
// per WebLoginStartWindow. Each one stores a state until it expires, and
// no one has signed in yet, so without a limit anyone could fill the cache;
// an office behind one NAT address beginning a sign-in every few seconds
// stays under it.
const (
	WebLoginStartLimit  = 30
	WebLoginStartWindow = time.Minute
)

// WebLoginStart is where the console sends the browser for DingTalk's
// QR sign-in (扫码登录), and the state that must come back with the code.
type WebLoginStart struct {
	URL   string `json:"url"`
	State string `json:"state"`
}

// StartWebLogin begins DingTalk's OAuth2 web sign-in. origin is the
// scheme and host the browser reached erpd at, used when no public URL
// is configured and only where that is trusted (domain.WebLoginBase). The
// state is kept for ten minutes and accepted once, so a code cannot be
// replayed into someone else's browser; clientIP may begin
// WebLoginStartLimit of them per window.
func (a *App) StartWebLogin(ctx context.Context, origin, clientIP string) (*WebLoginStart, error) {
	if a.directory == nil || a.dt.Web.LoginHost == "" {
		return nil, errDingTalkLoginOff
	}
	base, err := domain.WebLoginBase(a.dt.Web.PublicURL, origin, a.dt.Web.TrustRequestOrigin)
	if err != nil {
		return nil, err
	}
	if n, err := a.cache.Incr(ctx, "oauth:start:ip:"+clientIP, WebLoginStartWindow); err != nil {
		return nil, domain.ErrUnavailable.WithMessage("暂时无法发起扫码登录，请稍后重试")
	} else if n > WebLoginStartLimit {
		return nil, &domain.Error{Kind: domain.KindRateLimited, Code: domain.CodeTooManyRequests,
			Message: "发起扫码登录过于频繁，请一分钟后再试"}
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	state := hex.EncodeToString(b)
	if err := a.cache.Set(ctx, "oauth:state:"+state, "1", oauthStateTTL); err != nil {
		return nil, domain.ErrUnavailable.WithMessage("暂时无法发起扫码登录，请稍后重试")
	}
	q := url.Values{"redirect_uri": {base + WebLoginPath}, "response_type": {"code"}, "client_id": {a.dt.H5.ClientID},
		"scope": {"openid"}, "state": {state}, "prompt": {"consent"}}
	return &WebLoginStart{URL: strings.TrimRight(a.dt.Web.LoginHost, "/") + "/oauth2/auth?" + q.Encode(), State: state}, nil
}

// LoginWebDingTalk finishes the QR sign-in: the state must be one this
// server issued and not yet used; the code names the DingTalk account, and
// the ERP user linked to it gets a token (as with 免登, no password and no
// second step: DingTalk's own sign-in on the phone is the proof).
func (a *App) LoginWebDingTalk(ctx context.Context, code, state, clientIP string) (*Session, error) {
	if a.directory == nil || a.dt.Web.LoginHost == "" {
		return nil, errDingTalkLoginOff
	}
	if len(state) != 32 {
		return nil, domain.Invalid("state", "缺少扫码登录的 state")
	}
	expired := &domain.Error{Kind: domain.KindUnauthorized, Code: "oauth_state_invalid", Message: "扫码登录已过期或已使用，请重新扫码", Field: "state"}
	if _, ok, err := a.cache.Get(ctx, "oauth:state:"+state); err != nil {
		return nil, domain.ErrUnavailable.WithMessage("暂时无法完成扫码登录，请稍后重试")
	} else if !ok {
		return nil, expired
	}
	// Incr is atomic in every cache: of two requests carrying the same
	// state, one counts 1.
	if n, err := a.cache.Incr(ctx, "oauth:state:used:"+state, oauthStateTTL); err != nil {
		return nil, domain.ErrUnavailable.WithMessage("暂时无法完成扫码登录，请稍后重试")
	} else if n != 1 {
		return nil, expired
	}
	_ = a.cache.Del(ctx, "oauth:state:"+state)
	return a.loginByDirectory(ctx, clientIP, "dingtalk_qr", func() (*domain.DirectoryUser, error) {
		return a.directory.UserByOAuthCode(ctx, code)
	})
}
