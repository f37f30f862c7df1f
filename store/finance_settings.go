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
