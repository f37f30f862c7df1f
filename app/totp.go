package app

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"
)

// Two-step sign-in (两步验证): a user scans a key into an authenticator app
// (钉钉、微信小程序、Google Authenticator…) and then gives its six-digit code
// after the password. The key is sealed with AES-GCM under a key derived
// from the auth secret, so a copy of the database alone does not reveal it.

const totpPeriod = 30 // seconds per code

// TOTPSetup is a new authenticator key, shown once.
type TOTPSetup struct {
	Secret string `json:"secret"`      // base32, for typing in
	URL    string `json:"otpauth_url"` // otpauth://…, for the QR code
}

func sealKeyOf(secret []byte) []byte {
	k := sha256.Sum256(append([]byte("erpd totp v1:"), secret...))
	return k[:]
}

func (a *App) sealKey() []byte { return sealKeyOf(a.auth.Secret) }

// errTOTPKeyUnreadable: the key was sealed under a signing key that has
// been rotated away without auth.previous_secret. Not a fault of the user
// and not a 500: the operator can name the old key, or an administrator
// can turn the user's two-step sign-in off.
var errTOTPKeyUnreadable = &domain.Error{Kind: domain.KindMisconfigured, Code: "totp_key_unreadable", Field: "totp_code",
	Message: "两步验证密钥无法解开（令牌签名密钥已更换）：请管理员配置 auth.previous_secret 为原密钥，或为该用户关闭两步验证后重新开启"}

// openTOTP unseals u's key under the signing key, else under the previous
// one (old is then true: it should be sealed again).
func (a *App) openTOTP(sealed string) (plain string, old bool, err error) {
	plain, err = a.unsealWith(a.sealKey(), sealed)
	if err == nil {
		return plain, false, nil
	}
	if len(a.auth.PreviousSecret) > 0 {
		if plain, perr := a.unsealWith(sealKeyOf(a.auth.PreviousSecret), sealed); perr == nil {
			return plain, true, nil
		}
	}
	return "", false, errTOTPKeyUnreadable
}

func (a *App) seal(plain string) (string, error) {
	block, err := aes.NewCipher(a.sealKey())
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil)), nil
}

func (a *App) unsealWith(key []byte, sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	if len(b) < gcm.NonceSize() {
		return "", errors.New("totp: sealed key too short")
	}
	plain, err := gcm.Open(nil, b[:gcm.NonceSize()], b[gcm.NonceSize():], nil)
	return string(plain), err
}

// totpStep checks code against u's key at t, one step either side for
// clock drift, and returns the step it matched (0: no match) and the key
// sealed again under the current signing key when it was sealed under the
// previous one ("" otherwise).
func (a *App) totpStep(u *domain.User, code string, t time.Time) (int64, string, error) {
	secret, old, err := a.openTOTP(u.TOTPSecret)
	if err != nil {
		return 0, "", err
	}
	resealed := ""
	if old {
		if resealed, err = a.seal(secret); err != nil {
			return 0, "", err
		}
	}
	for _, d := range []int64{0, -1, 1} {
		at := t.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, "", err
		}
		if want == code {
			return at.Unix() / totpPeriod, resealed, nil
		}
	}
	return 0, "", nil
}

// SetupTOTP gives the signed-in user a new authenticator key, kept unused
// until EnableTOTP confirms a code from it (a key already in use stays in
// force until then).
func (a *App) SetupTOTP(ctx context.Context) (*TOTPSetup, error) {
	u := Actor(ctx)
	if u == nil {
		return nil, domain.ErrUnauthorized
	}
	if u.TOTPEnabled {
		return nil, domain.ErrInvalidState.WithMessage("两步验证已开启；如需更换，请先关闭")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "erpd", AccountName: u.Username, Period: totpPeriod})
	if err != nil {
		return nil, err
	}
	sealed, err := a.seal(key.Secret())
	if err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error { return store.Users.SetTOTP(tx, u.ID, false, sealed, 0) })
	if err != nil {
		return nil, err
	}
	return &TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// EnableTOTP turns two-step sign-in on once a code from the new key checks.
// It ends every other session of the user (the token version moves on): a
// session someone else opened with a stolen password must not outlive the
// second step meant to lock them out. The caller's session goes on under
// the token it returns.
func (a *App) EnableTOTP(ctx context.Context, code string) (*Session, error) {
	actor := Actor(ctx)
	if actor == nil {
		return nil, domain.ErrUnauthorized
	}
	var fresh *domain.User
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := store.Users.Get(tx, actor.ID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return domain.ErrInvalidState.WithMessage("两步验证已开启")
		}
		if u.TOTPSecret == "" {
			return domain.ErrInvalidState.WithMessage("请先生成密钥")
		}
		step, resealed, err := a.totpStep(u, code, a.now())
		if err != nil {
			return err
		}
		if step == 0 {
			return domain.Invalid("code", "验证码不正确，请核对手机时间后重试")
		}
		if resealed != "" {
			u.TOTPSecret = resealed
		}
		if err := store.Users.SetTOTP(tx, u.ID, true, u.TOTPSecret, step); err != nil {
			return err
		}
		if fresh, err = store.Users.Get(tx, u.ID); err != nil {
			return err
		}
		fresh.TokenVersion++
		if err := store.Users.Update(tx, fresh, fresh.Version); err != nil {
			return err
		}
		return audit(ctx, tx, "totp_enable", "user", u.ID, nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return a.issue(fresh)
}

// DisableTOTP turns two-step sign-in off: the user with their password, or
// an administrator for someone who lost their phone (password empty).
func (a *App) DisableTOTP(ctx context.Context, userID int64, password string) error {
	actor := Actor(ctx)
	if actor == nil {
		return domain.ErrUnauthorized
	}
	if userID != actor.ID && !actor.Can(domain.PermUserManage) {
		return domain.ErrForbidden.WithMessage("只能关闭自己的两步验证")
	}
	if userID == actor.ID && domain.TOTPRequiredFor(actor, a.auth.TOTPRequiredRoles) {
		return domain.ErrInvalidState.WithMessage("你的角色要求两步验证，不能关闭；丢失手机请联系其他管理员代为关闭后重新绑定")
	}
	// The password is guessed against the sign-in failure count, as with
	// a password change.
	key := userThrottleKey(domain.CanonicalUsername(actor.Username))
	if userID == actor.ID && a.throttled(ctx, key, a.throttle.MaxFailures) {
		return errTooManyAttempts(a.throttle)
	}
	wrong := false
	defer func() {
		if wrong {
			a.countFailure(ctx, key)
		}
	}()
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := store.Users.Get(tx, userID)
		if err != nil {
			return err
		}
		if userID == actor.ID && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
			wrong = true
			return domain.Invalid("password", "密码不正确")
		}
		if err := store.Users.SetTOTP(tx, u.ID, false, "", 0); err != nil {
			return err
		}
		return audit(ctx, tx, "totp_disable", "user", u.ID, nil, nil)
	})
}

// checkTOTP is the second step of a password sign-in: a code from u's
// authenticator, each accepted once.
func (a *App) checkTOTP(ctx context.Context, u *domain.User, code string) error {
	if code == "" {
		return &domain.Error{Kind: domain.KindUnauthorized, Code: domain.CodeTOTPRequired, Field: "totp_code", Message: "请输入身份验证器上的 6 位验证码"}
	}
	step, resealed, err := a.totpStep(u, code, a.now())
	if err != nil {
		return err
	}
	bad := &domain.Error{Kind: domain.KindUnauthorized, Code: domain.CodeTOTPInvalid, Field: "totp_code", Message: "验证码不正确或已使用"}
	if step == 0 {
		return bad
	}
	var fresh bool
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		fresh, err = store.Users.UseTOTPStep(tx, u.ID, step)
		if err != nil || !fresh || resealed == "" {
			return err
		}
		return store.Users.SetTOTP(tx, u.ID, true, resealed, step)
	})
	if err != nil {
		return err
	}
	if !fresh {
		return bad
	}
	return nil
}
