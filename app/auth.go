package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

// AuthConfig configures tokens. Secret signs them (HS256).
type AuthConfig struct {
	Secret   []byte
	TokenTTL time.Duration
}

// Throttle limits failed logins per account and per address.
type Throttle struct {
	MaxFailures int           // failures allowed in Window before refusing
	Window      time.Duration // how long failures are remembered
}

// DefaultThrottle allows 5 failed logins per 15 minutes for an account, and
// four times that from one address (a shared office NAT).
var DefaultThrottle = Throttle{MaxFailures: 5, Window: 15 * time.Minute}

// bcryptCost is bcrypt's default; ~50 ms per login on a small server.
const bcryptCost = bcrypt.DefaultCost

// dummyHash makes a login for an unknown user cost as much as a real one,
// so response times do not reveal which usernames exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("erpd-dummy-password-1"), bcryptCost)

// Session is what a successful login returns.
type Session struct {
	Token     string       `json:"token"`
	ExpiresAt time.Time    `json:"expires_at"`
	User      *domain.User `json:"user"`
}

type claims struct {
	TokenVersion int `json:"tv"`
	jwt.RegisteredClaims
}

// Login checks a username and password and issues a bearer token. Failed
// attempts are counted per username and per client address; past the limit
// every attempt is refused (429) until the window passes, right password or
// not, so guessing cannot continue.
//
// A user with two-step sign-in also gives totpCode; without it the answer
// is totp_required (the password was right), a wrong or reused one
// totp_invalid, which counts as a failed attempt.
func (a *App) Login(ctx context.Context, username, password, totpCode, clientIP string) (*Session, error) {
	username = strings.TrimSpace(username)
	if username == "" {
		return nil, domain.Invalid("username", "请输入用户名")
	}
	if password == "" {
		return nil, domain.Invalid("password", "请输入密码")
	}
	userKey, ipKey := "login:fail:user:"+strings.ToLower(username), "login:fail:ip:"+clientIP
	if a.throttled(ctx, userKey, a.throttle.MaxFailures) || a.throttled(ctx, ipKey, 4*a.throttle.MaxFailures) {
		return nil, (&domain.Error{Kind: domain.KindRateLimited, Code: domain.CodeTooManyAttempts,
			Message: fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试", int(a.throttle.Window.Minutes()))})
	}
	u, err := store.Users.ByUsername(a.store.Read(ctx), username)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || u == nil || u.Status != domain.UserActive {
		a.countFailure(ctx, userKey)
		a.countFailure(ctx, ipKey)
		return nil, &domain.Error{Kind: domain.KindUnauthorized, Code: domain.CodeBadCredentials, Message: "用户名或密码错误，或账号已停用"}
	}
	if u.TOTPEnabled {
		if err := a.checkTOTP(ctx, u, totpCode); err != nil {
			if de := domain.AsError(err); de != nil && de.Code == domain.CodeTOTPInvalid {
				a.countFailure(ctx, userKey)
				a.countFailure(ctx, ipKey)
			}
			return nil, err
		}
	}
	if err := a.cache.Del(ctx, userKey); err != nil {
		a.log.Warn("login throttle reset failed", "err", err)
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := store.Users.TouchLogin(tx, u.ID); err != nil {
			return err
		}
		return audit(WithActor(ctx, u), tx, "login", "user", u.ID, nil, map[string]string{"ip": clientIP})
	})
	if err != nil {
		return nil, err
	}
	return a.issue(u)
}

// LoginDingTalk signs in with a 免登 code from the DingTalk mini-app or H5
// page: the directory says which DingTalk user it was issued to, and the ERP
// user linked to that account gets a token.
func (a *App) LoginDingTalk(ctx context.Context, code, clientIP string) (*Session, error) {
	if a.directory == nil {
		return nil, errDingTalkLoginOff
	}
	return a.loginByDirectory(ctx, clientIP, "dingtalk", func() (*domain.DirectoryUser, error) {
		return a.directory.UserByAuthCode(ctx, code)
	})
}

var errDingTalkLoginOff = &domain.Error{Kind: domain.KindInvalid, Code: "dingtalk_disabled", Message: "未启用钉钉登录，请使用用户名和密码登录"}

// loginByDirectory is every DingTalk sign-in (免登, QR): the address is
// throttled like a password login, DingTalk names the person (a code it
// refuses counts as a failure), and the linked ERP user gets a session.
func (a *App) loginByDirectory(ctx context.Context, clientIP, via string, lookup func() (*domain.DirectoryUser, error)) (*Session, error) {
	ipKey := "login:fail:ip:" + clientIP
	if a.throttled(ctx, ipKey, 4*a.throttle.MaxFailures) {
		return nil, &domain.Error{Kind: domain.KindRateLimited, Code: domain.CodeTooManyAttempts,
			Message: fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试", int(a.throttle.Window.Minutes()))}
	}
	du, err := lookup()
	if err != nil {
		if domain.ErrorKind(err) == domain.KindUnauthorized {
			a.countFailure(ctx, ipKey)
		}
		return nil, err
	}
	return a.signInDirectoryUser(ctx, du, clientIP, via)
}

// signInDirectoryUser opens a session for the ERP user linked to a DingTalk
// account that DingTalk has just vouched for.
func (a *App) signInDirectoryUser(ctx context.Context, du *domain.DirectoryUser, clientIP, via string) (*Session, error) {
	u, err := store.Users.ByDingTalkUserID(a.store.Read(ctx), du.UserID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, &domain.Error{Kind: domain.KindForbidden, Code: "dingtalk_user_not_linked",
			Message: fmt.Sprintf("钉钉用户 %s 尚未开通 ERP 账号，请联系管理员同步通讯录或绑定账号", du.Name),
			Details: map[string]any{"dingtalk_user_id": du.UserID}}
	}
	if err != nil {
		return nil, err
	}
	if u.Status != domain.UserActive {
		return nil, &domain.Error{Kind: domain.KindUnauthorized, Code: domain.CodeBadCredentials, Message: "账号已停用"}
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := store.Users.TouchLogin(tx, u.ID); err != nil {
			return err
		}
		return audit(WithActor(ctx, u), tx, "login", "user", u.ID, nil, map[string]string{"ip": clientIP, "via": via})
	})
	if err != nil {
		return nil, err
	}
	return a.issue(u)
}

// throttled reports whether key has reached max failures. A cache outage
// must not lock everybody out, so it fails open and logs.
func (a *App) throttled(ctx context.Context, key string, max int) bool {
	v, ok, err := a.cache.Get(ctx, key)
	if err != nil {
		a.log.Warn("login throttle unavailable", "err", err)
		return false
	}
	var n int
	if ok {
		fmt.Sscan(v, &n)
	}
	return n >= max
}

func (a *App) countFailure(ctx context.Context, key string) {
	if _, err := a.cache.Incr(ctx, key, a.throttle.Window); err != nil {
		a.log.Warn("login throttle unavailable", "err", err)
	}
}

func (a *App) issue(u *domain.User) (*Session, error) {
	if err := a.resolveActor(context.Background(), u); err != nil {
		return nil, err
	}
	now := a.now()
	exp := now.Add(a.auth.TokenTTL)
	c := claims{TokenVersion: u.TokenVersion, RegisteredClaims: jwt.RegisteredClaims{
		Subject: fmt.Sprint(u.ID), IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
		Issuer: "erpd", ID: store.RandomSecret(8)}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.auth.Secret)
	if err != nil {
		return nil, fmt.Errorf("sign token: %w", err)
	}
	return &Session{Token: tok, ExpiresAt: exp.UTC(), User: u}, nil
}

var errBadToken = domain.ErrUnauthorized.WithMessage("登录已失效，请重新登录")

// Authenticate resolves a bearer token to an active user. Tokens die with a
// password change, a disable or a logout (the token version moves on).
func (a *App) Authenticate(ctx context.Context, token string) (*domain.User, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) { return a.auth.Secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("erpd"), jwt.WithExpirationRequired(), jwt.WithTimeFunc(a.now))
	if err != nil {
		return nil, errBadToken
	}
	var id int64
	if _, err := fmt.Sscan(c.Subject, &id); err != nil {
		return nil, errBadToken
	}
	u, err := store.Users.Get(a.store.Read(ctx), id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, err
	}
	if u.Status != domain.UserActive || u.TokenVersion != c.TokenVersion {
		return nil, errBadToken
	}
	if err := a.resolveActor(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// Logout ends every session of the acting user.
func (a *App) Logout(ctx context.Context) error {
	u := Actor(ctx)
	if u == nil {
		return domain.ErrUnauthorized
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := store.Users.Get(tx, u.ID)
		if err != nil {
			return err
		}
		cur.TokenVersion++
		if err := store.Users.Update(tx, cur, cur.Version); err != nil {
			return err
		}
		return audit(ctx, tx, "logout", "user", cur.ID, nil, nil)
	})
}

// EnsureAdmin creates the bootstrap administrator when there is no user at
// all. Its password must meet the policy: a default like admin/admin is
// exactly what attackers try first.
func (a *App) EnsureAdmin(ctx context.Context, username, password string) (created bool, err error) {
	n, err := store.Users.Count(a.store.Read(ctx))
	if err != nil || n > 0 {
		return false, err
	}
	if err := domain.CheckPassword("admin.password", username, password); err != nil {
		return false, fmt.Errorf("bootstrap admin: set ERP_ADMIN_PASSWORD: %w", err)
	}
	_, err = a.CreateUser(WithActor(ctx, System), UserInput{Username: &username, Name: ptr("管理员"), Password: &password,
		Roles: &[]domain.Role{domain.RoleAdmin}, DataScope: ptr(domain.ScopeAll)})
	return err == nil, err
}

func ptr[T any](v T) *T { return &v }

func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	return string(h), err
}
