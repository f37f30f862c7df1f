package store

import (
	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

// Scope is the data scope (数据范围) a read or a write runs under: every
// document, or those owned by a set of users. app computes it once per
// request from the actor (app.scope); the store only applies it, as a
// WHERE on the column that holds a document's owner. Every store function
// that returns documents or figures derived from them takes one as a
// required argument, so a new query cannot forget it without the compiler
// saying so.
//
// The zero Scope sees nothing: a caller that builds one by hand instead of
// asking app fails closed.
type Scope struct {
	all      bool
	creators []int64
}

// AllScope sees every document: administrators, "all" scopes, and the
// system's own jobs (outbox, DingTalk events) that act for nobody.
func AllScope() Scope { return Scope{all: true} }

// CreatorsScope sees the documents owned by these users.
func CreatorsScope(ids []int64) Scope { return Scope{creators: append([]int64(nil), ids...)} }

// All reports whether the scope sees every document.
func (s Scope) All() bool { return s.all }

// Sees reports whether a document owned by owner is in the scope.
func (s Scope) Sees(owner int64) bool {
	if s.all {
		return true
	}
	for _, id := range s.creators {
		if id == owner {
			return true
		}
	}
	return false
}

// ids is the IN list of the owners; never empty, since IN () is not SQL.
func (s Scope) ids() []int64 { return append(append([]int64(nil), s.creators...), -1) }

// scoped limits a query to the rows whose owner column is in the scope.
func scoped(db *gorm.DB, s Scope, ownerCol string) *gorm.DB {
	if s.all {
		return db
	}
	return db.Where(ownerCol+" IN ?", s.ids())
}

// scopedStockDocs limits a query on stock_docs (aliased d) to the scope.
// A receipt, shipment or return belongs to whoever owns its order (a sale
// is the salesperson's, not the clerk's who posted it), as the dashboard
// and the bot have always counted it.
func scopedStockDocs(db *gorm.DB, s Scope, alias string) *gorm.DB {
	if s.all {
		return db
	}
	return db.Where(alias+".order_id IN (?)", db.Session(&gorm.Session{NewDB: true}).Table("orders").Select("id").Where("created_by IN ?", s.ids()))
}

// scopedRequisitions limits a query on requisitions to the scope: a
// manual one is its creator's; an automatic one (低于补货点自动生成) is
// the warehouse's, made by whoever's posting crossed the safety stock, and
// belongs to every buyer.
func scopedRequisitions(db *gorm.DB, s Scope) *gorm.DB {
	if s.all {
		return db
	}
	return db.Where("(requisitions.source = ? OR requisitions.created_by IN ?)", domain.SourceReorder, s.ids())
}

// scopedMoves limits a query on stock_moves (aliased m) to the moves of
// documents in the scope: receipts, shipments and returns through their
// order, transfers, stocktakes and openings through their creator.
// Balances are not documents and are never scoped.
func scopedMoves(db *gorm.DB, s Scope, alias string) *gorm.DB {
	if s.all {
		return db
	}
	ids := s.ids()
	m := alias
	return db.Where("(("+
		m+".doc_type IN ? AND "+m+".doc_id IN (SELECT sd.id FROM stock_docs sd JOIN orders so ON so.id = sd.order_id WHERE so.created_by IN ?)) OR ("+
		m+".doc_type = ? AND "+m+".doc_id IN (SELECT id FROM transfers WHERE created_by IN ?)) OR ("+
		m+".doc_type = ? AND "+m+".doc_id IN (SELECT id FROM stocktakes WHERE created_by IN ?)) OR ("+
		m+".doc_type = ? AND "+m+".doc_id IN (SELECT id FROM stock_openings WHERE created_by IN ?)))",
		[]string{domain.DocPurchaseReceipt, domain.DocPurchaseReturn, domain.DocSalesShipment, domain.DocSalesReturn}, ids,
		domain.DocTransfer, ids, domain.DocStocktake, ids, domain.DocOpening, ids)
}
