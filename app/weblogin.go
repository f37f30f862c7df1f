package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
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
// the ERP user linked to it gets a token. Unlike 免登, the browser at the
// console is not the phone DingTalk vouched for: a user with two-step
// sign-in is asked for the code (askSecondStep, SecondStepQR), and one
// whose role requires it without a key gets an enrolment session.
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

const qrTicketTTL = 5 * time.Minute

// askSecondStep answers a QR sign-in of a user with two-step sign-in:
// DingTalk has named them, and a ticket (kept five minutes, used once)
// stands for that while the console asks for the authenticator's code,
// since DingTalk's code and state cannot be used twice.
func (a *App) askSecondStep(ctx context.Context, u *domain.User) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	ticket := hex.EncodeToString(b)
	if err := a.cache.Set(ctx, "login:qr:ticket:"+ticket, strconv.FormatInt(u.ID, 10), qrTicketTTL); err != nil {
		return domain.ErrUnavailable.WithMessage("暂时无法完成扫码登录，请稍后重试")
	}
	return &domain.Error{Kind: domain.KindUnauthorized, Code: domain.CodeTOTPRequired, Field: "totp_code",
		Message: "请输入身份验证器上的 6 位验证码", Details: map[string]any{"totp_ticket": ticket}}
}

// SecondStepQR finishes a QR sign-in that asked for the authenticator's
// code: the ticket from the totp_required answer and the code. Wrong codes
// count against the account like a password sign-in's.
func (a *App) SecondStepQR(ctx context.Context, ticket, code, clientIP string) (*Session, error) {
	expired := &domain.Error{Kind: domain.KindUnauthorized, Code: "oauth_state_invalid", Message: "扫码登录已过期，请重新扫码", Field: "totp_ticket"}
	if len(ticket) != 32 {
		return nil, expired
	}
	v, ok, err := a.cache.Get(ctx, "login:qr:ticket:"+ticket)
	if err != nil {
		return nil, domain.ErrUnavailable.WithMessage("暂时无法完成扫码登录，请稍后重试")
	}
	if !ok {
		return nil, expired
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	u, err := store.Users.Get(a.store.Read(ctx), id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, expired
	}
	if err != nil {
		return nil, err
	}
	key := userThrottleKey(domain.CanonicalUsername(u.Username))
	if a.throttled(ctx, key, a.throttle.MaxFailures) {
		return nil, errTooManyAttempts(a.throttle)
	}
	if u.Status != domain.UserActive {
		return nil, &domain.Error{Kind: domain.KindUnauthorized, Code: domain.CodeBadCredentials, Message: "账号已停用"}
	}
	if u.TOTPEnabled {
		if err := a.checkTOTP(ctx, u, code); err != nil {
			if de := domain.AsError(err); de != nil && de.Code == domain.CodeTOTPInvalid {
				a.countFailure(ctx, key)
			}
			if de := domain.AsError(err); de != nil && de.Details == nil {
				de.Details = map[string]any{"totp_ticket": ticket} // try again with the same ticket
			}
			return nil, err
		}
	}
	_ = a.cache.Del(ctx, "login:qr:ticket:"+ticket)
	return a.openSession(ctx, u, map[string]string{"ip": clientIP, "via": "dingtalk_qr"})
}
