package store

import (
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// roleRow is a role as stored: permissions as a comma-separated list. The
// built-in roles have rows too (seeded, built_in set) so the table names
// every role a user may hold, but their grants are read from the code.
type roleRow struct {
	Code        string `gorm:"primaryKey"`
	Name        string
	Permissions string
	BuiltIn     bool
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (roleRow) TableName() string { return "roles" }

func (r roleRow) toDomain() domain.RoleInfo {
	info := domain.RoleInfo{Role: domain.Role(r.Code), Name: r.Name, BuiltIn: r.BuiltIn, Version: r.Version, Permissions: []domain.Permission{}}
	for _, p := range strings.Split(r.Permissions, ",") {
		if p != "" {
			info.Permissions = append(info.Permissions, domain.Permission(p))
		}
	}
	return info
}

func roleToRow(r domain.RoleInfo) roleRow {
	perms := make([]string, len(r.Permissions))
	for i, p := range r.Permissions {
		perms[i] = string(p)
	}
	return roleRow{Code: string(r.Role), Name: r.Name, Permissions: strings.Join(perms, ","), BuiltIn: r.BuiltIn, Version: r.Version}
}

// RoleStore keeps the custom roles.
type RoleStore struct{}

// Roles is the role repository.
var Roles RoleStore

// Custom returns every custom role's grants by code. Every request's actor
// is resolved through it, so it is read through the master cache (a write
// to roles empties it on every instance).
func (RoleStore) Custom(q Q) (map[domain.Role][]domain.Permission, error) {
	return cachedRead(q, "roles:custom", func() (map[domain.Role][]domain.Permission, error) {
		var rows []roleRow
		if err := q.DB().Where("built_in = ?", false).Find(&rows).Error; err != nil {
			return nil, translate(err)
		}
		out := make(map[domain.Role][]domain.Permission, len(rows))
		for _, r := range rows {
			out[domain.Role(r.Code)] = r.toDomain().Permissions
		}
		return out, nil
	})
}

// List returns the custom roles by code.
func (RoleStore) List(q Q) ([]domain.RoleInfo, error) {
	var rows []roleRow
	if err := q.DB().Where("built_in = ?", false).Order("code").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.RoleInfo, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// Lock reads a custom role for update.
func (RoleStore) Lock(tx *Tx, code domain.Role) (*domain.RoleInfo, error) {
	var r roleRow
	err := tx.DB().Clauses(clause.Locking{Strength: "UPDATE"}).Where("code = ? AND built_in = ?", string(code), false).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound("角色", code)
	}
	if err != nil {
		return nil, translate(err)
	}
	info := r.toDomain()
	return &info, nil
}

// Create inserts a custom role; a taken code is a duplicate.
func (RoleStore) Create(tx *Tx, r *domain.RoleInfo) error {
	row := roleToRow(*r)
	if err := tx.DB().Create(&row).Error; err != nil {
		err = translate(err)
		if e := domain.AsError(err); e != nil && e.Code == domain.CodeDuplicate {
			return e.WithField("role").WithMessage("角色编码 %s 已存在", r.Role)
		}
		return err
	}
	return nil
}

// Update writes a custom role where its version is still oldVersion.
func (RoleStore) Update(tx *Tx, r *domain.RoleInfo, oldVersion int) error {
	row := roleToRow(*r)
	res := tx.DB().Model(&roleRow{}).Where("code = ? AND version = ? AND built_in = ?", row.Code, oldVersion, false).
		Updates(map[string]any{"name": row.Name, "permissions": row.Permissions, "version": row.Version, "updated_at": tx.Now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	return nil
}

// Delete removes a custom role.
func (RoleStore) Delete(tx *Tx, code domain.Role) error {
	return translate(tx.DB().Where("code = ? AND built_in = ?", string(code), false).Delete(&roleRow{}).Error)
}

// RoleHolders returns every user (not deleted) with the roles and status
// the lock-out and in-use rules read, in id order.
func RoleHolders(q Q) ([]domain.User, error) {
	var rows []userRow
	if err := q.DB().Model(&userRow{}).Where("deleted_at IS NULL").Select("id", "roles", "status").Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.User, len(rows))
	for i, r := range rows {
		out[i] = *r.toDomain()
	}
	return out, nil
}

// m700Role is the roles table as release 2026-12-08 made it.
type m700Role struct {
	Code        string    `gorm:"primaryKey;size:32"`
	Name        string    `gorm:"size:64;not null"`
	Permissions string    `gorm:"type:text;not null"`
	BuiltIn     bool      `gorm:"not null;default:false"`
	Version     int       `gorm:"not null;default:1"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

func (m700Role) TableName() string { return "roles" }

// seedBuiltInRoles writes a row for each built-in role of this release, so
// the table names every code a user may hold. The list is frozen here; the
// grants of a built-in role are always the code's, so none are stored.
func seedBuiltInRoles(db *gorm.DB) error {
	now := db.NowFunc()
	for _, r := range [][2]string{{"admin", "管理员"}, {"purchaser", "采购员"}, {"sales", "销售员"}, {"warehouse", "仓管"},
		{"finance", "财务"}, {"manager", "经理"}, {"viewer", "只读"}} {
		row := m700Role{Code: r[0], Name: r[1], BuiltIn: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}
