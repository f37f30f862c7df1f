package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// UnitInput is what may be set on a unit of measure.
type UnitInput struct {
	Name       *string          `json:"name"`
	BaseUnitID *int64           `json:"base_unit_id"`
	Ratio      *decimal.Decimal `json:"ratio"`
	Version    int              `json:"version"`
}

// CategoryInput is what may be set on a category.
type CategoryInput struct {
	Code     *string `json:"code"`
	Name     *string `json:"name"`
	ParentID *int64  `json:"parent_id"`
	Sort     *int    `json:"sort"`
	Version  int     `json:"version"`
}

// ProductInput is what may be set on a product.
type ProductInput struct {
	SKU          *string          `json:"sku"`
	Name         *string          `json:"name"`
	Spec         *string          `json:"spec"`
	UnitID       *int64           `json:"unit_id"`
	CategoryID   *int64           `json:"category_id"`
	Barcode      *string          `json:"barcode"`
	TaxRate      *decimal.Decimal `json:"tax_rate"`
	BatchTracked *bool            `json:"batch_tracked"`
	Status       *string          `json:"status"`
	Version      int              `json:"version"`
}

// WarehouseInput is what may be set on a warehouse.
type WarehouseInput struct {
	Code          *string `json:"code"`
	Name          *string `json:"name"`
	Address       *string `json:"address"`
	AllowNegative *bool   `json:"allow_negative"`
	Status        *string `json:"status"`
	Version       int     `json:"version"`
}

// PartnerInput is what may be set on a partner.
type PartnerInput struct {
	Code             *string          `json:"code"`
	Name             *string          `json:"name"`
	Type             *string          `json:"type"`
	Contact          *string          `json:"contact"`
	Phone            *string          `json:"phone"`
	Address          *string          `json:"address"`
	CreditLimit      *decimal.Decimal `json:"credit_limit"`
	PaymentTermsDays *int             `json:"payment_terms_days"`
	// LevelID names the 客户等级 (a customer_level dictionary entry); 0
	// clears it.
	LevelID *int64  `json:"level_id"`
	Status  *string `json:"status"`
	Version int     `json:"version"`
}

// DictEntryInput is what may be set on a dictionary entry.
type DictEntryInput struct {
	Code    *string `json:"code"`
	Label   *string `json:"label"`
	Sort    *int    `json:"sort"`
	Enabled *bool   `json:"enabled"`
	Version int     `json:"version"`
}

// Catalog holds the master-data use cases.
type Catalog struct {
	Units      *Master[domain.Unit, UnitInput]
	Categories *Master[domain.Category, CategoryInput]
	Products   *Master[domain.Product, ProductInput]
	Warehouses *Master[domain.Warehouse, WarehouseInput]
	Partners   *Master[domain.Partner, PartnerInput]
	Dicts      *Master[domain.DictEntry, DictEntryInput]
}

// Tables that record stock history of a product or warehouse.
var (
	productRefs = [][2]string{{"stock_moves", "product_id"}, {"stock_balances", "product_id"},
		{"transfer_lines", "product_id"}, {"stocktake_lines", "product_id"}, {"stock_opening_lines", "product_id"}}
	warehouseRefs = [][2]string{{"stock_moves", "warehouse_id"}, {"stock_balances", "warehouse_id"},
		{"transfers", "from_warehouse_id"}, {"transfers", "to_warehouse_id"}, {"stocktakes", "warehouse_id"},
		{"stock_openings", "warehouse_id"}}
)

// Catalog returns the master-data use cases.
func (a *App) Catalog() *Catalog { return a.catalog }

func (a *App) newCatalog() *Catalog {
	return &Catalog{
		Units: &Master[domain.Unit, UnitInput]{
			app: a, table: store.Units, entity: "unit", write: domain.PermMasterWrite,
			sortable: map[string]string{"id": "id", "name": "name"},
			id:       func(v *domain.Unit) int64 { return v.ID }, version: func(v *domain.Unit) *int { return &v.Version },
			code: func(v *domain.Unit) (string, string) { return "name", v.Name },
			apply: func(in UnitInput, v *domain.Unit) {
				set(&v.Name, in.Name)
				set(&v.Ratio, in.Ratio)
				if in.BaseUnitID != nil {
					v.BaseUnitID = nilIfZero(*in.BaseUnitID)
				}
			},
			inVersion: func(in UnitInput) int { return in.Version },
			check:     checkUnit,
			blocking:  [][2]string{{"products", "unit_id"}, {"units", "base_unit_id"}},
		},
		Categories: &Master[domain.Category, CategoryInput]{
			app: a, table: store.Categories, entity: "category", write: domain.PermMasterWrite,
			sortable: map[string]string{"id": "id", "code": "code", "name": "name", "sort": "sort"},
			id:       func(v *domain.Category) int64 { return v.ID }, version: func(v *domain.Category) *int { return &v.Version },
			code: func(v *domain.Category) (string, string) { return "code", v.Code },
			apply: func(in CategoryInput, v *domain.Category) {
				set(&v.Code, in.Code)
				set(&v.Name, in.Name)
				set(&v.Sort, in.Sort)
				if in.ParentID != nil {
					v.ParentID = nilIfZero(*in.ParentID)
				}
			},
			inVersion: func(in CategoryInput) int { return in.Version },
			check:     checkCategoryTree,
			blocking:  [][2]string{{"categories", "parent_id"}, {"products", "category_id"}},
		},
		Products: &Master[domain.Product, ProductInput]{
			app: a, table: store.Products, entity: "product", write: domain.PermMasterWrite,
			sortable: map[string]string{"id": "id", "sku": "sku", "name": "name", "created_at": "created_at", "updated_at": "updated_at"},
			id:       func(v *domain.Product) int64 { return v.ID }, version: func(v *domain.Product) *int { return &v.Version },
			code: func(v *domain.Product) (string, string) { return "sku", v.SKU },
			apply: func(in ProductInput, v *domain.Product) {
				if v.ID == 0 && in.TaxRate == nil {
					v.TaxRate = domain.DefaultTaxRate
				}
				set(&v.SKU, in.SKU)
				set(&v.Name, in.Name)
				set(&v.Spec, in.Spec)
				set(&v.UnitID, in.UnitID)
				set(&v.Barcode, in.Barcode)
				set(&v.TaxRate, in.TaxRate)
				set(&v.BatchTracked, in.BatchTracked)
				set(&v.Status, in.Status)
				if in.CategoryID != nil {
					v.CategoryID = nilIfZero(*in.CategoryID)
				}
			},
			inVersion: func(in ProductInput) int { return in.Version },
			check:     checkProduct,
			guard:     guardProduct,
			beforeDelete: func(q store.Q, v *domain.Product) error {
				return refuseIfStock(q, "product_id", v.ID, "商品 "+v.SKU)
			},
			refs: productRefs,
		},
		Warehouses: &Master[domain.Warehouse, WarehouseInput]{
			app: a, table: store.Warehouses, entity: "warehouse", write: domain.PermMasterWrite,
			sortable: map[string]string{"id": "id", "code": "code", "name": "name"},
			id:       func(v *domain.Warehouse) int64 { return v.ID }, version: func(v *domain.Warehouse) *int { return &v.Version },
			code: func(v *domain.Warehouse) (string, string) { return "code", v.Code },
			apply: func(in WarehouseInput, v *domain.Warehouse) {
				set(&v.Code, in.Code)
				set(&v.Name, in.Name)
				set(&v.Address, in.Address)
				set(&v.AllowNegative, in.AllowNegative)
				set(&v.Status, in.Status)
			},
			inVersion: func(in WarehouseInput) int { return in.Version },
			fields: func(before, after *domain.Warehouse) []domain.FieldGrant {
				return []domain.FieldGrant{{Field: "allow_negative", Label: "仓库的允许负库存", Perm: domain.PermWarehousePolicy,
					Changed: before.AllowNegative != after.AllowNegative}}
			},
			beforeDelete: func(q store.Q, v *domain.Warehouse) error {
				return refuseIfStock(q, "warehouse_id", v.ID, "仓库 "+v.Name)
			},
			refs: warehouseRefs,
		},
		Partners: &Master[domain.Partner, PartnerInput]{
			app: a, table: store.Partners, entity: "partner", write: domain.PermMasterWrite,
			sortable: map[string]string{"id": "id", "code": "code", "name": "name"},
			id:       func(v *domain.Partner) int64 { return v.ID }, version: func(v *domain.Partner) *int { return &v.Version },
			code: func(v *domain.Partner) (string, string) { return "code", v.Code },
			apply: func(in PartnerInput, v *domain.Partner) {
				set(&v.Code, in.Code)
				set(&v.Name, in.Name)
				set(&v.Type, in.Type)
				set(&v.Contact, in.Contact)
				set(&v.Phone, in.Phone)
				set(&v.Address, in.Address)
				set(&v.CreditLimit, in.CreditLimit)
				set(&v.PaymentTermsDays, in.PaymentTermsDays)
				set(&v.Status, in.Status)
				if in.LevelID != nil {
					v.LevelID = nilIfZero(*in.LevelID)
				}
			},
			inVersion: func(in PartnerInput) int { return in.Version },
			check: func(q store.Q, v *domain.Partner) error {
				if v.ID != 0 {
					return nil // an edit: guard checks a changed level
				}
				return dictRef(q, "level_id", domain.DictCustomerLevel, v.LevelID)
			},
			guard: func(q store.Q, before, after *domain.Partner) error {
				return dictRefChanged(q, "level_id", domain.DictCustomerLevel, before.LevelID, after.LevelID)
			},
			fields: func(before, after *domain.Partner) []domain.FieldGrant {
				return []domain.FieldGrant{{Field: "credit_limit", Label: "往来单位的信用额度", Perm: domain.PermPartnerCredit,
					Changed: !before.CreditLimit.Equal(after.CreditLimit)}}
			},
		},
		Dicts: &Master[domain.DictEntry, DictEntryInput]{
			app: a, table: store.DictEntries, entity: "dict_entry", write: domain.PermDictWrite,
			sortable: map[string]string{"id": "id", "code": "code", "sort": "sort"},
			id:       func(v *domain.DictEntry) int64 { return v.ID }, version: func(v *domain.DictEntry) *int { return &v.Version },
			code: func(v *domain.DictEntry) (string, string) { return "code", v.Type + "/" + v.Code },
			apply: func(in DictEntryInput, v *domain.DictEntry) {
				if v.ID == 0 && in.Enabled == nil {
					v.Enabled = true
				}
				set(&v.Code, in.Code)
				set(&v.Label, in.Label)
				set(&v.Sort, in.Sort)
				set(&v.Enabled, in.Enabled)
			},
			inVersion: func(in DictEntryInput) int { return in.Version },
			blocking:  dictUsers,
			inUse:     "字典项已被单据或往来单位使用，不能删除；可以停用",
		},
	}
}

// checkUnit checks a unit's base unit (基本单位): it exists and is itself a
// base unit, so conversions are one step deep.
func checkUnit(q store.Q, v *domain.Unit) error {
	if v.BaseUnitID == nil {
		return nil
	}
	base, err := store.Units.Get(q, *v.BaseUnitID)
	if err != nil {
		return notFoundOn(err, "base_unit_id")
	}
	if base.BaseUnitID != nil {
		return domain.Invalid("base_unit_id", "基本单位 %s 本身是换算单位，请选它的基本单位", base.Name)
	}
	return nil
}

// checkProduct checks what a product names: its unit and category exist,
// and no other product has its barcode (条码).
func checkProduct(q store.Q, v *domain.Product) error {
	if _, err := store.Units.Get(q, v.UnitID); err != nil {
		return notFoundOn(err, "unit_id")
	}
	if v.CategoryID != nil {
		if _, err := store.Categories.Get(q, *v.CategoryID); err != nil {
			return notFoundOn(err, "category_id")
		}
	}
	if v.Barcode == "" {
		return nil
	}
	taken, err := store.Products.Exists(q, "barcode = ? AND id <> ?", v.Barcode, v.ID)
	if err != nil {
		return err
	}
	if taken {
		return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Field: "barcode",
			Message: "条码 " + v.Barcode + " 已被其他商品使用"})
	}
	return nil
}

// guardProduct refuses a change of what a product's stock history depends
// on once it has any (domain.Product.CheckStockChange); the history is
// read only when such a change is asked for.
func guardProduct(q store.Q, before, after *domain.Product) error {
	if !before.StockFieldsChanged(*after) {
		return nil
	}
	used, err := store.Referenced(q, before.ID, productRefs...)
	if err != nil || !used {
		return err
	}
	return before.CheckStockChange(*after)
}

// ListDict lists the entries of one dictionary type.
func (a *App) ListDict(ctx context.Context, typ string, lp ListParams) (*List[domain.DictEntry], error) {
	if !domain.ValidDictType(typ) {
		return nil, domain.Invalid("type", "字典类型只能是小写字母、数字和下划线")
	}
	if lp.Sort == "" {
		lp.Sort = "sort"
	}
	return a.catalog.Dicts.List(ctx, lp, map[string]any{"type": typ})
}

// CreateDictEntry adds an entry to the dictionary typ.
func (a *App) CreateDictEntry(ctx context.Context, typ string, in DictEntryInput) (*domain.DictEntry, error) {
	d := a.catalog.Dicts
	if _, err := require(ctx, d.write); err != nil {
		return nil, err
	}
	v := &domain.DictEntry{Type: typ, Version: 1}
	d.apply(in, v)
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := v.Validate(); err != nil {
			return err
		}
		if err := d.table.Create(tx, v, "code", typ+"/"+v.Code); err != nil {
			return err
		}
		return audit(ctx, tx, "create", d.entity, v.ID, nil, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// DictEntry returns an entry of typ, refusing ids of another dictionary.
func (a *App) DictEntry(ctx context.Context, typ string, id int64) (*domain.DictEntry, error) {
	e, err := a.catalog.Dicts.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Type != typ {
		return nil, domain.NotFound("字典项", id)
	}
	return e, nil
}

// UpdateDictEntry changes an entry of typ.
func (a *App) UpdateDictEntry(ctx context.Context, typ string, id int64, in DictEntryInput) (*domain.DictEntry, error) {
	// The permission first: someone who may not write learns nothing of
	// which entries exist.
	if _, err := require(ctx, a.catalog.Dicts.write); err != nil {
		return nil, err
	}
	if _, err := a.DictEntry(ctx, typ, id); err != nil {
		return nil, err
	}
	return a.catalog.Dicts.Update(ctx, id, in)
}

// DeleteDictEntry removes an entry of typ.
func (a *App) DeleteDictEntry(ctx context.Context, typ string, id int64) error {
	if _, err := require(ctx, a.catalog.Dicts.write); err != nil {
		return err
	}
	if _, err := a.DictEntry(ctx, typ, id); err != nil {
		return err
	}
	return a.catalog.Dicts.Delete(ctx, id)
}

// checkCategoryTree refuses a parent that does not exist or lies below the
// category itself, which would make the tree a loop.
func checkCategoryTree(q store.Q, v *domain.Category) error {
	seen := map[int64]bool{v.ID: true}
	for p := v.ParentID; p != nil; {
		if seen[*p] && v.ID != 0 {
			return domain.Invalid("parent_id", "上级分类不能是自己或自己的下级")
		}
		seen[*p] = true
		parent, err := store.Categories.Get(q, *p)
		if err != nil {
			return notFoundOn(err, "parent_id")
		}
		if len(seen) > 64 {
			return domain.Invalid("parent_id", "分类层级过深")
		}
		p = parent.ParentID
	}
	return nil
}

// refuseIfStock refuses to delete what still has stock or stock value.
func refuseIfStock(q store.Q, col string, id int64, what string) error {
	found, err := store.Exists(q, "stock_balances", col+" = ? AND (on_hand <> 0 OR reserved <> 0 OR value <> 0)", id)
	if err != nil {
		return err
	}
	if found {
		return &domain.Error{Kind: domain.KindConflict, Code: domain.CodeReferenced, Message: what + " 还有库存，不能删除"}
	}
	return nil
}

// notFoundOn turns "the referenced record does not exist" into a 422 on the
// input field that named it, instead of a 404 for the request itself.
func notFoundOn(err error, field string) error {
	if errors.Is(err, domain.ErrNotFound) {
		e := domain.AsError(err)
		return domain.Invalid(field, "%s", strings.TrimSpace(e.Message))
	}
	return err
}

// missingOn reports a record that an input field names and that a lookup
// did not find as a 422 on that field, with the message given (往来单位 7
// 不存在). Only a real "not found" becomes the user's error: anything else
// (a deadlock, a lost connection) keeps its kind, so InTx still retries a
// deadlock and an outage is still a 5xx, and it is wrapped with what was
// being looked up, for the log.
func missingOn(err error, field, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Invalid(field, format, args...)
	}
	return fmt.Errorf("looking up %s: %w", field, err)
}

// nilIfNonPositive reads an optional id where 0 means none.
func nilIfNonPositive(id *int64) *int64 {
	if id == nil || *id <= 0 {
		return nil
	}
	return id
}

func nilIfZero(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
