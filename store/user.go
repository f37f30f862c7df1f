package store

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

// userRow is a user as stored: roles as a comma-separated list.
type userRow struct {
	ID               int64
	Username         string
	Name             string
	PasswordHash     string
	Roles            string
	Status           string
	DataScope        string
	DepartmentID     *int64
	DingTalkUserID   string `gorm:"column:dingtalk_user_id"`
	Mobile           string
	Email            string
	TokenVersion     int
	LastLoginAt      *time.Time
	Title            string
	JobNumber        string
	LeadsDepartments string
	Source           string
	TOTPEnabled      bool   `gorm:"column:totp_enabled"`
	TOTPSecret       string `gorm:"column:totp_secret"`
	TOTPLastStep     int64  `gorm:"column:totp_last_step"`
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (userRow) TableName() string { return "users" }

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) []int64 {
	out := []int64{}
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func (r userRow) toDomain() *domain.User {
	u := &domain.User{ID: r.ID, Username: r.Username, Name: r.Name, PasswordHash: r.PasswordHash, Status: r.Status,
		DataScope: r.DataScope, DepartmentID: r.DepartmentID, DingTalkUserID: r.DingTalkUserID, Mobile: r.Mobile,
		Email: r.Email, TokenVersion: r.TokenVersion, LastLoginAt: r.LastLoginAt, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Roles: []domain.Role{}, Title: r.Title, JobNumber: r.JobNumber,
		LeadsDepartments: splitIDs(r.LeadsDepartments), Source: r.Source, TOTPEnabled: r.TOTPEnabled, TOTPSecret: r.TOTPSecret,
		TOTPLastStep: r.TOTPLastStep}
	if u.Source == "" {
		u.Source = "local"
	}
	for _, s := range strings.Split(r.Roles, ",") {
		if s != "" {
			u.Roles = append(u.Roles, domain.Role(s))
		}
	}
	return u
}

func userToRow(u *domain.User) userRow {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	r := userRow{ID: u.ID, Username: u.Username, Name: u.Name, PasswordHash: u.PasswordHash, Roles: strings.Join(roles, ","),
		Status: u.Status, DataScope: u.DataScope, DepartmentID: u.DepartmentID, DingTalkUserID: u.DingTalkUserID,
		Mobile: u.Mobile, Email: u.Email, TokenVersion: u.TokenVersion, LastLoginAt: u.LastLoginAt, Version: u.Version,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Title: u.Title, JobNumber: u.JobNumber,
		LeadsDepartments: joinIDs(u.LeadsDepartments), Source: u.Source, TOTPEnabled: u.TOTPEnabled, TOTPSecret: u.TOTPSecret,
		TOTPLastStep: u.TOTPLastStep}
	if r.Source == "" {
		r.Source = "local"
	}
	return r
}

// UserStore keeps users.
type UserStore struct{}

// Users is the user repository.
var Users UserStore

func (UserStore) scope(q Q) *gorm.DB { return q.DB().Model(&userRow{}).Where("deleted_at IS NULL") }

// Get loads a user by id.
// Every request's token names one, so it is read through the master cache.
func (s UserStore) Get(q Q, id int64) (*domain.User, error) {
	u, err := cachedRead(q, "users:"+strconv.FormatInt(id, 10), func() (domain.User, error) {
		var r userRow
		if err := s.scope(q).Where("id = ?", id).Take(&r).Error; err != nil {
			if err == gorm.ErrRecordNotFound {
				return domain.User{}, domain.NotFound("用户", id)
			}
			return domain.User{}, translate(err)
		}
		return *r.toDomain(), nil
	})
	if err != nil {
		return nil, err
	}
	// The cached copy's slices stay its own.
	u.Roles, u.LeadsDepartments = slices.Clone(u.Roles), slices.Clone(u.LeadsDepartments)
	return &u, nil
}

// ByUsername loads a user by login name.
func (s UserStore) ByUsername(q Q, username string) (*domain.User, error) {
	var r userRow
	if err := s.scope(q).Where("username = ?", username).Take(&r).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, domain.NotFound("用户", username)
		}
		return nil, translate(err)
	}
	return r.toDomain(), nil
}

// ByDingTalkUserID loads the user linked to a DingTalk userid.
func (s UserStore) ByDingTalkUserID(q Q, dingID string) (*domain.User, error) {
	if strings.TrimSpace(dingID) == "" {
		// Unlinked users have an empty id: an empty (or, under MySQL's
		// PAD SPACE collations, blank) id is nobody, never the first
		// unlinked user.
		return nil, domain.NotFound("钉钉用户", "")
	}
	var r userRow
	if err := s.scope(q).Where("dingtalk_user_id = ?", dingID).Take(&r).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, domain.NotFound("钉钉用户", dingID)
		}
		return nil, translate(err)
	}
	return r.toDomain(), nil
}

// Count returns how many users exist, for the bootstrap admin.
func (s UserStore) Count(q Q) (int64, error) {
	var n int64
	err := q.DB().Model(&userRow{}).Count(&n).Error
	return n, translate(err)
}

// List pages through users, optionally matching text in username or name.
func (s UserStore) List(q Q, p Page, text, status string) ([]*domain.User, int64, error) {
	db := s.scope(q)
	if text != "" {
		db = db.Where("(username LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!')", like(text), like(text))
	}
	if status != "" {
		db = db.Where("status = ?", status)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []userRow
	if err := p.apply(db, "id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]*domain.User, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, nil
}

// Create inserts a user.
func (s UserStore) Create(tx *Tx, u *domain.User) error {
	r := userToRow(u)
	if err := tx.DB().Create(&r).Error; err != nil {
		err = translate(err)
		if e := domain.AsError(err); e != nil && e.Code == domain.CodeDuplicate {
			return e.WithField("username").WithMessage("用户名 %s 已存在", u.Username)
		}
		return err
	}
	u.ID, u.CreatedAt, u.UpdatedAt = r.ID, r.CreatedAt, r.UpdatedAt
	return nil
}

// Update writes u where its version is still oldVersion.
func (s UserStore) Update(tx *Tx, u *domain.User, oldVersion int) error {
	r := userToRow(u)
	res := tx.DB().Model(&userRow{}).Where("id = ? AND version = ?", u.ID, oldVersion).Select("*").Omit("id", "created_at").Updates(&r)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	u.UpdatedAt = r.UpdatedAt
	return nil
}

// TouchLogin records a successful login without bumping the version.
func (s UserStore) TouchLogin(tx *Tx, id int64) error {
	return translate(tx.DB().Model(&userRow{}).Where("id = ?", id).UpdateColumn("last_login_at", tx.Now).Error)
}

// LinkedUsers returns every user linked to a DingTalk account, by userid.
func (s UserStore) LinkedUsers(q Q) (map[string]*domain.User, error) {
	var rows []userRow
	if err := s.scope(q).Where("dingtalk_user_id <> ''").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]*domain.User, len(rows))
	for _, r := range rows {
		out[r.DingTalkUserID] = r.toDomain()
	}
	return out, nil
}

// SetTOTP writes a user's two-step settings, where the user is at version
// (they change nothing else, so no version bump).
func (UserStore) SetTOTP(tx *Tx, id int64, enabled bool, secret string, lastStep int64) error {
	return translate(tx.DB().Model(&userRow{}).Where("id = ?", id).
		Updates(map[string]any{"totp_enabled": enabled, "totp_secret": secret, "totp_last_step": lastStep}).Error)
}

// UseTOTPStep records the step a code was accepted for, only if it is later
// than the last one: false means the code was used already (or a parallel
// sign-in won).
func (UserStore) UseTOTPStep(tx *Tx, id, step int64) (bool, error) {
	res := tx.DB().Model(&userRow{}).Where("id = ? AND totp_last_step < ?", id, step).Update("totp_last_step", step)
	return res.RowsAffected == 1, translate(res.Error)
}

// UserNames returns the names of the users with ids (any status), for
// showing who did something.
func UserNames(q Q, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := q.DB().Table("users").Select("id, name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
