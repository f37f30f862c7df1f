package store

import (
	"gorm.io/gorm"

	"github.com/dingerp/erpd/domain"
)

// partnerAddresses is where a customer's delivery addresses live.
const partnerAddresses = "partner_addresses"

// PartnerAddresses lists a partner's addresses, the default first.
func PartnerAddresses(q Q, partnerID int64) ([]domain.PartnerAddress, error) {
	out := []domain.PartnerAddress{}
	err := q.DB().Table(partnerAddresses).Where("partner_id = ?", partnerID).
		Order("is_default DESC, id").Find(&out).Error
	return out, translate(err)
}

// GetPartnerAddress loads one address of a partner; one of another partner
// is not found.
func GetPartnerAddress(q Q, partnerID, id int64) (*domain.PartnerAddress, error) {
	var a domain.PartnerAddress
	err := q.DB().Table(partnerAddresses).Where("id = ? AND partner_id = ?", id, partnerID).Take(&a).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound("收货地址", id)
	}
	return &a, translate(err)
}

// SavePartnerAddress inserts (ID 0) or updates an address; a default one
// makes the partner's other addresses non-default, so at most one is.
func (tx *Tx) SavePartnerAddress(a *domain.PartnerAddress) error {
	a.UpdatedAt = tx.Now
	if a.IsDefault {
		if err := tx.DB().Table(partnerAddresses).Where("partner_id = ? AND id <> ?", a.PartnerID, a.ID).
			Update("is_default", false).Error; err != nil {
			return translate(err)
		}
	}
	if a.ID == 0 {
		a.CreatedAt = tx.Now
		return translate(tx.DB().Table(partnerAddresses).Create(a).Error)
	}
	return translate(tx.DB().Table(partnerAddresses).Where("id = ?", a.ID).
		Updates(map[string]any{"address": a.Address, "contact": a.Contact, "phone": a.Phone,
			"is_default": a.IsDefault, "updated_at": a.UpdatedAt}).Error)
}

// DeletePartnerAddress removes an address. Shipments copied it when they
// used it, so none points at it.
func (tx *Tx) DeletePartnerAddress(id int64) error {
	return translate(tx.DB().Table(partnerAddresses).Where("id = ?", id).Delete(&domain.PartnerAddress{}).Error)
}
