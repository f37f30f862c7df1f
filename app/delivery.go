package app

import (
	"context"
	"errors"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// dictRef checks that a document may name dictionary entry id (nil: none)
// in field as a value of typ: it exists, is of typ and enabled. Anything
// else is a 422 on the field (domain.CheckDictRef).
func dictRef(q store.Q, field, typ string, id *int64) error {
	if id == nil {
		return nil
	}
	e, err := store.DictEntries.Get(q, *id)
	if errors.Is(err, domain.ErrNotFound) {
		e, err = nil, nil
	}
	if err != nil {
		return err
	}
	return domain.CheckDictRef(field, typ, *id, e)
}

// dictRefChanged is dictRef for an edit: a reference left as it was stays
// valid even if its entry has since been disabled.
func dictRefChanged(q store.Q, field, typ string, before, after *int64) error {
	if before != nil && after != nil && *before == *after {
		return nil
	}
	return dictRef(q, field, typ, after)
}

// dictUsers are the columns that name a dictionary entry: an entry one of
// them names cannot be deleted (disable it instead).
var dictUsers = [][2]string{{"partners", "level_id"}, {"money_docs", "payment_method_id"},
	{"stock_docs", "shipping_method_id"}}

// AddressInput is what may be set on a partner's delivery address.
type AddressInput struct {
	Address   string `json:"address"`
	Contact   string `json:"contact"`
	Phone     string `json:"phone"`
	IsDefault bool   `json:"is_default"`
}

// PartnerAddresses lists a partner's delivery addresses (收货地址), the
// default first.
func (a *App) PartnerAddresses(ctx context.Context, partnerID int64) ([]domain.PartnerAddress, error) {
	if _, err := require(ctx, domain.PermMasterRead); err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	if _, err := store.Partners.Get(q, partnerID); err != nil {
		return nil, err
	}
	return store.PartnerAddresses(q, partnerID)
}

// SavePartnerAddress adds (id 0) or changes an address of a partner. The
// first address a partner gets is its default.
func (a *App) SavePartnerAddress(ctx context.Context, partnerID, id int64, in AddressInput) (*domain.PartnerAddress, error) {
	if _, err := require(ctx, domain.PermMasterWrite); err != nil {
		return nil, err
	}
	v := &domain.PartnerAddress{ID: id, PartnerID: partnerID, Address: in.Address, Contact: in.Contact, Phone: in.Phone, IsDefault: in.IsDefault}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := store.Partners.Get(tx, partnerID); err != nil {
			return err
		}
		all, err := store.PartnerAddresses(tx, partnerID)
		if err != nil {
			return err
		}
		var before *domain.PartnerAddress
		if id != 0 {
			if before, err = store.GetPartnerAddress(tx, partnerID, id); err != nil {
				return err
			}
			v.CreatedAt = before.CreatedAt
		} else if len(all) == 0 {
			v.IsDefault = true
		}
		if err := tx.SavePartnerAddress(v); err != nil {
			return err
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		return audit(ctx, tx, action, "partner_address", v.ID, before, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// DeletePartnerAddress removes an address of a partner.
func (a *App) DeletePartnerAddress(ctx context.Context, partnerID, id int64) error {
	if _, err := require(ctx, domain.PermMasterWrite); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := store.GetPartnerAddress(tx, partnerID, id)
		if err != nil {
			return err
		}
		if err := tx.DeletePartnerAddress(id); err != nil {
			return err
		}
		return audit(ctx, tx, "delete", "partner_address", id, cur, nil)
	})
}

// shipmentDelivery settles a shipment's delivery information: the shipping
// method must be a usable 发货方式; the address is the one named (which
// must be the customer's), else what was typed, else the customer's
// default address.
func shipmentDelivery(tx *store.Tx, partnerID int64, addressID *int64, d *domain.Delivery) error {
	if err := dictRef(tx, "shipping_method_id", domain.DictShippingMethod, d.ShippingMethodID); err != nil {
		return err
	}
	if addressID != nil && *addressID != 0 {
		ad, err := store.GetPartnerAddress(tx, partnerID, *addressID)
		if err != nil {
			return missingOn(err, "address_id", "收货地址 %d 不是该客户的", *addressID)
		}
		d.UseAddress(*ad)
		return nil
	}
	if !d.Empty() {
		return nil
	}
	all, err := store.PartnerAddresses(tx, partnerID)
	if err != nil {
		return err
	}
	if def := domain.DefaultAddress(all); def != nil {
		d.UseAddress(*def)
	}
	return nil
}
