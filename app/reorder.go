package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// ReorderLevelInput is a product's level in a warehouse (补货参数). All
// three figures zero removes the level: the warehouse no longer carries
// the product, and it is never low there.
type ReorderLevelInput struct {
	ProductID    int64           `json:"product_id"`
	WarehouseID  int64           `json:"warehouse_id"`
	SafetyStock  decimal.Decimal `json:"safety_stock"`
	ReorderPoint decimal.Decimal `json:"reorder_point"`
	ReorderQty   decimal.Decimal `json:"reorder_qty"`
}

// ReorderLevelsInput sets several levels at once: the product page sends
// one product's warehouses, the bulk grid one warehouse's products.
type ReorderLevelsInput struct {
	Levels []ReorderLevelInput `json:"levels"`
}

// ReorderLevelsResult says what a save did.
type ReorderLevelsResult struct {
	Saved   int `json:"saved"`   // levels set
	Removed int `json:"removed"` // levels removed (all figures zero)
}

// ReorderCheckResult reports a full reorder check.
type ReorderCheckResult struct {
	Warehouses int `json:"warehouses"` // warehouses checked
	Low        int `json:"low"`        // items below their level, each now suggested
}

// maxReorderLevels bounds one save (a warehouse's grid page is far less).
const maxReorderLevels = 2000

// SetReorderLevels saves levels and, in the same transaction, runs the
// reorder check on the pairs they touch: lowering a level or starting to
// carry a product suggests it at once, not at its next posting.
func (a *App) SetReorderLevels(ctx context.Context, in ReorderLevelsInput) (*ReorderLevelsResult, error) {
	actor, err := require(ctx, domain.PermMasterWrite)
	if err != nil {
		return nil, err
	}
	if len(in.Levels) == 0 {
		return nil, domain.Invalid("levels", "至少需要一行")
	}
	if len(in.Levels) > maxReorderLevels {
		return nil, domain.Invalid("levels", "一次最多保存 %d 行", maxReorderLevels)
	}
	var res *ReorderLevelsResult
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = setReorderLevels(ctx, tx, in.Levels, actor.ID, func(i int, e *domain.Error) error {
			return e.WithField(fmt.Sprintf("levels[%d].%s", i, e.Field))
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// setReorderLevels checks, stores and audits levels, then runs the reorder
// check on every warehouse they touch. fieldErr names the row of a bad
// level (the API's levels[i], the importer's spreadsheet row).
func setReorderLevels(ctx context.Context, tx *store.Tx, in []ReorderLevelInput, by int64, fieldErr func(i int, e *domain.Error) error) (*ReorderLevelsResult, error) {
	pids, whIDs := make([]int64, 0, len(in)), make([]int64, 0, 4)
	for _, l := range in {
		pids = append(pids, l.ProductID)
		whIDs = append(whIDs, l.WarehouseID)
	}
	prods, whs := map[int64]domain.Product{}, map[int64]domain.Warehouse{}
	b := store.NewBatch(tx)
	store.Products.GetManyIn(b, pids, func(p *domain.Product) int64 { return p.ID }, prods)
	store.Warehouses.GetManyIn(b, whIDs, func(w *domain.Warehouse) int64 { return w.ID }, whs)
	if err := b.Run(); err != nil {
		return nil, err
	}
	res := &ReorderLevelsResult{}
	seen := map[[2]int64]bool{}
	touched := map[int64][]int64{}
	for i, l := range in {
		lv := domain.ReorderLevel{ProductID: l.ProductID, WarehouseID: l.WarehouseID, SafetyStock: l.SafetyStock,
			ReorderPoint: l.ReorderPoint, ReorderQty: l.ReorderQty}
		if err := lv.Validate(); err != nil {
			return nil, fieldErr(i, domain.AsError(err))
		}
		if p, ok := prods[l.ProductID]; !ok || p.Status != domain.StatusActive {
			return nil, fieldErr(i, domain.Invalid("product_id", "商品 %d 不存在或已停用", l.ProductID))
		}
		if w, ok := whs[l.WarehouseID]; !ok || w.Status != domain.StatusActive {
			return nil, fieldErr(i, domain.Invalid("warehouse_id", "仓库 %d 不存在或已停用", l.WarehouseID))
		}
		k := [2]int64{l.ProductID, l.WarehouseID}
		if seen[k] {
			return nil, fieldErr(i, domain.Invalid("product_id", "同一商品在同一仓库重复（%s @ %s）", prods[l.ProductID].SKU, whs[l.WarehouseID].Name))
		}
		seen[k] = true
		touched[l.WarehouseID] = append(touched[l.WarehouseID], l.ProductID)
		if lv.Empty() {
			if err := tx.DeleteReorderLevel(l.ProductID, l.WarehouseID); err != nil {
				return nil, err
			}
			res.Removed++
		} else {
			if err := tx.SetReorderLevel(lv); err != nil {
				return nil, err
			}
			res.Saved++
		}
	}
	if err := audit(ctx, tx, "set", "reorder_level", 0, nil, in); err != nil {
		return nil, err
	}
	for _, wh := range sortedKeys(touched) {
		if err := reorderCheck(tx, wh, touched[wh], prods, by); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func sortedKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ReorderLevels lists levels for the editors: one warehouse's products
// (the bulk grid) or one product's warehouses (the product page), carried
// or not, with the stock now.
func (a *App) ReorderLevels(ctx context.Context, warehouseID, productID int64, lp ListParams) (*List[store.ReorderLevelRow], error) {
	if _, err := require(ctx, domain.PermMasterRead); err != nil {
		return nil, err
	}
	if (warehouseID == 0) == (productID == 0) {
		return nil, domain.Invalid("warehouse_id", "请指定仓库或商品（二选一）")
	}
	p, err := lp.page(map[string]string{"sku": "p.sku"})
	if err != nil {
		return nil, err
	}
	items, total, err := store.ReorderGrid(a.store.Read(ctx), warehouseID, productID, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// RunReorderCheck checks every level against the stock now, a warehouse
// per transaction, so the open reorder requisitions list exactly the items
// below their level. The daily run catches what no posting touched: stock
// reserved by orders, levels imported elsewhere, a check that failed.
func (a *App) RunReorderCheck(ctx context.Context) (*ReorderCheckResult, error) {
	actor, err := require(ctx, domain.PermPurchaseWrite)
	if err != nil {
		return nil, err
	}
	whs, err := store.ReorderWarehouses(a.store.Read(ctx))
	if err != nil {
		return nil, err
	}
	sort.Slice(whs, func(i, j int) bool { return whs[i] < whs[j] })
	res := &ReorderCheckResult{}
	for _, wh := range whs {
		err := a.store.InTx(ctx, func(tx *store.Tx) error {
			levels, err := store.ReorderLevelsIn(tx, wh, nil)
			if err != nil {
				return err
			}
			open, err := store.OpenReorderProducts(tx, wh)
			if err != nil {
				return err
			}
			set := map[int64]bool{}
			for pid := range levels {
				set[pid] = true
			}
			for _, pid := range open {
				set[pid] = true
			}
			pids := sortedKeys(set)
			return reorderCheck(tx, wh, pids, nil, actor.ID)
		})
		if err != nil {
			return nil, err
		}
		res.Warehouses++
	}
	low, err := store.LowStockIn(a.store.Read(ctx), 0)
	if err != nil {
		return nil, err
	}
	res.Low = len(low)
	return res, nil
}
