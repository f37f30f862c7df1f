package app

import (
	"context"
	"errors"
	"fmt"
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
	// PreviousSecret is the key before a rotation (auth.previous_secret).
	// It signs and verifies no token; it only opens two-step sign-in keys
	// sealed under it, which are sealed again under Secret at their user's
	// next sign-in, so rotating does not lock those users out.
	PreviousSecret []byte
	// TOTPRequiredRoles must sign in with two steps (password or console
	// QR sign-in); a user holding one without a key gets an enrolment
	// session, which can only turn it on. 免登 inside DingTalk is
	// DingTalk's own sign-in and is not asked. Empty: nobody is required
	// (cmd/erpd defaults it to admin).
	TOTPRequiredRoles []domain.Role
}

// enrolTTL is how long an enrolment session lasts: long enough to scan a
// key and type a code.
const enrolTTL = 10 * time.Minute

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
	// TOTPEnrolmentRequired marks an enrolment session: the user's role
	// requires two-step sign-in, so the token only reaches /me and
	// /me/totp/setup|enable (and logout) until EnableTOTP answers with a
	// full session.
	TOTPEnrolmentRequired bool `json:"totp_enrolment_required,omitempty"`
}

type claims struct {
	TokenVersion int `json:"tv"`
	// Enrol marks an enrolment session's token.
	Enrol bool `json:"enrol,omitempty"`
	jwt.RegisteredClaims
}

// ErrTOTPEnrolment refuses an enrolment session everything but enrolling.
var ErrTOTPEnrolment = &domain.Error{Kind: domain.KindForbidden, Code: domain.CodeTOTPEnrolmentRequired,
	Message: "你的角色要求开启两步验证：请先在“账号安全”中绑定身份验证器"}

// Login checks a username and password and issues a bearer token. Failed
// attempts are counted per username and per client address; past the limit
// every attempt is refused (429) until the window passes, right password or
// not, so guessing cannot continue.
//
// A user with two-step sign-in also gives totpCode; without it the answer
// is totp_required (the password was right), a wrong or reused one
// totp_invalid, which counts as a failed attempt.
func (a *App) Login(ctx context.Context, username, password, totpCode, clientIP string) (*Session, error) {
	// Every spelling the database could match to one account (ｃａｉｇｏｕ２,
	// càigou2, caigou2 with a zero-width space) is one name here, so they
	// share one failure count.
	username = domain.CanonicalUsername(username)
	if username == "" {
		return nil, domain.Invalid("username", "请输入用户名")
	}
	if password == "" {
		return nil, domain.Invalid("password", "请输入密码")
	}
	userKey, ipKey := userThrottleKey(username), "login:fail:ip:"+clientIP
	if a.throttled(ctx, userKey, a.throttle.MaxFailures) || a.throttled(ctx, ipKey, 4*a.throttle.MaxFailures) {
		return nil, errTooManyAttempts(a.throttle)
	}
	var u *domain.User
	if domain.ValidUsername(username) {
		var err error
		u, err = store.Users.ByUsername(a.store.Read(ctx), username)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, err
		}
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
	return a.openSession(ctx, u, map[string]string{"ip": clientIP})
}

// openSession records a sign-in whose every step has passed and issues
// the token: a full one, or an enrolment one when u's role requires
// two-step sign-in that u has not turned on.
func (a *App) openSession(ctx context.Context, u *domain.User, detail map[string]string) (*Session, error) {
	enrol := !u.TOTPEnabled && domain.TOTPRequiredFor(u, a.auth.TOTPRequiredRoles)
	if enrol {
		detail["totp"] = "enrolment_required"
	}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := store.Users.TouchLogin(tx, u.ID); err != nil {
			return err
		}
		return audit(WithActor(ctx, u), tx, "login", "user", u.ID, nil, detail)
	})
	if err != nil {
		return nil, err
	}
	if enrol {
		return a.issueToken(u, enrolTTL, true)
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
		return nil, errTooManyAttempts(a.throttle)
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
	if via == "dingtalk_qr" && u.TOTPEnabled {
		// Scanning with DingTalk proves the phone, not the person at the
		// console; a user with a key gives its code too (SecondStepQR).
		return nil, a.askSecondStep(ctx, u)
	}
	if via != "dingtalk_qr" {
		// 免登 inside DingTalk's container is DingTalk's own sign-in on
		// the user's phone: a full session whatever the role.
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
	return a.openSession(ctx, u, map[string]string{"ip": clientIP, "via": via})
}

// userThrottleKey is the failure count of one account's password: sign-in,
// password change and turning two-step sign-in off all guess the same
// password, so they share it. name is canonical.
func userThrottleKey(name string) string { return "login:fail:user:" + name }

func errTooManyAttempts(t Throttle) error {
	return &domain.Error{Kind: domain.KindRateLimited, Code: domain.CodeTooManyAttempts,
		Message: fmt.Sprintf("失败次数过多，请 %d 分钟后再试", int(t.Window.Minutes()))}
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

func (a *App) issue(u *domain.User) (*Session, error) { return a.issueToken(u, a.auth.TokenTTL, false) }

func (a *App) issueToken(u *domain.User, ttl time.Duration, enrol bool) (*Session, error) {
	if err := a.resolveActor(context.Background(), u); err != nil {
		return nil, err
	}
	now := a.now()
	exp := now.Add(ttl)
	c := claims{TokenVersion: u.TokenVersion, Enrol: enrol, RegisteredClaims: jwt.RegisteredClaims{
		Subject: fmt.Sprint(u.ID), IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
		Issuer: "erpd", ID: store.RandomSecret(8)}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.auth.Secret)
	if err != nil {
		return nil, fmt.Errorf("sign token: %w", err)
	}
	return &Session{Token: tok, ExpiresAt: exp.UTC(), User: u, TOTPEnrolmentRequired: enrol}, nil
}

var errBadToken = domain.ErrUnauthorized.WithMessage("登录已失效，请重新登录")

// Authenticate resolves a bearer token to an active user. Tokens die with a
// password change, a disable, a logout or enabling two-step sign-in (the
// token version moves on). An enrolment session's token is refused
// (ErrTOTPEnrolment): see AuthenticateEnrolment.
func (a *App) Authenticate(ctx context.Context, token string) (*domain.User, error) {
	u, enrol, err := a.AuthenticateEnrolment(ctx, token)
	if err != nil {
		return nil, err
	}
	if enrol {
		return nil, ErrTOTPEnrolment
	}
	return u, nil
}

// AuthenticateEnrolment is Authenticate that also accepts an enrolment
// session's token, saying which it was, for the few routes that serve
// enrolling (the HTTP layer lists them).
func (a *App) AuthenticateEnrolment(ctx context.Context, token string) (*domain.User, bool, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) { return a.auth.Secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("erpd"), jwt.WithExpirationRequired(), jwt.WithTimeFunc(a.now))
	if err != nil {
		return nil, false, errBadToken
	}
	var id int64
	if _, err := fmt.Sscan(c.Subject, &id); err != nil {
		return nil, false, errBadToken
	}
	u, err := store.Users.Get(a.store.Read(ctx), id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, false, errBadToken
	}
	if err != nil {
		return nil, false, err
	}
	if u.Status != domain.UserActive || u.TokenVersion != c.TokenVersion {
		return nil, false, errBadToken
	}
	if err := a.resolveActor(ctx, u); err != nil {
		return nil, false, err
	}
	// Roles may have changed since: an enrolment token of a user whose
	// role no longer requires the second step, or who turned it on, is
	// not worth more than it was issued for, so it stays limited.
	return u, c.Enrol, nil
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
