package store

import (
	"encoding/json"
	"fmt"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// financeSettingsKey is the settings row holding the console's finance
// settings as JSON; a key-value row needs no migration of its own.
const financeSettingsKey = "finance"

// FinanceSettings reads the saved finance settings; nil when they were
// never saved (the configuration's then apply).
func FinanceSettings(q Q) (*domain.FinanceSettings, error) {
	return financeSettings(q.DB())
}

// LockFinanceSettings reads the saved finance settings FOR UPDATE, so two
// saves are serialized and the second sees the first's version.
func (tx *Tx) LockFinanceSettings() (*domain.FinanceSettings, error) {
	return financeSettings(lockRow(tx.db))
}

func financeSettings(db *gorm.DB) (*domain.FinanceSettings, error) {
	var r settingRow
	err := db.Where("`key` = ?", financeSettingsKey).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	var s domain.FinanceSettings
	if err := json.Unmarshal([]byte(r.Value), &s); err != nil {
		return nil, fmt.Errorf("settings %s: %w", financeSettingsKey, err)
	}
	return &s, nil
}

// SaveFinanceSettings writes the finance settings as the rule returned them.
func (tx *Tx) SaveFinanceSettings(s domain.FinanceSettings) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	r := settingRow{Key: financeSettingsKey, Value: string(b)}
	return translate(tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value"}),
	}).Create(&r).Error)
}

// The versions of the openings, which are whole sheets without a row of
// their own to carry one: PUT /opening-balances and /opening-items check
// and bump them, so two accountants cannot overwrite each other silently.
const (
	OpeningBalancesVersion = "openings.balances.version"
	OpeningItemsVersion    = "openings.items.version"
)

// SheetVersion reads a sheet's version (0 before its first save).
func SheetVersion(q Q, key string) (int, error) {
	var r settingRow
	err := q.DB().Where("`key` = ?", key).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err)
	}
	var v int
	if _, err := fmt.Sscan(r.Value, &v); err != nil {
		return 0, fmt.Errorf("settings %s: %w", key, err)
	}
	return v, nil
}

// LockSheetVersion takes a sheet's version row FOR UPDATE, creating it at
// 0 first, and returns the version: a second save waits and then sees the
// first's.
func (tx *Tx) LockSheetVersion(key string) (int, error) {
	if err := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&settingRow{Key: key, Value: "0"}).Error; err != nil {
		return 0, translate(err)
	}
	var r settingRow
	if err := lockRow(tx.db).Where("`key` = ?", key).Take(&r).Error; err != nil {
		return 0, translate(err)
	}
	var v int
	if _, err := fmt.Sscan(r.Value, &v); err != nil {
		return 0, fmt.Errorf("settings %s: %w", key, err)
	}
	return v, nil
}

// SetSheetVersion writes a sheet's new version (under LockSheetVersion).
func (tx *Tx) SetSheetVersion(key string, v int) error {
	return translate(tx.db.Model(&settingRow{}).Where("`key` = ?", key).Update("value", fmt.Sprint(v)).Error)
}
