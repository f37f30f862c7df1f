package app

import (
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// startPosting locks the balances a document moves (in key order) and starts
// its posting over them.
func startPosting(tx *store.Tx, doc domain.DocRef, keys []domain.BalanceKey, expiry map[domain.BalanceKey]string, r *refs, by int64) (*domain.Posting, error) {
	balances, err := tx.LockBalances(keys, expiry)
	if err != nil {
		return nil, err
	}
	return domain.NewPosting(doc, tx.Now, by, balances, r.whs, r.prods), nil
}

// openStockDoc numbers and inserts a receipt, shipment or return (its lines
// get their ids) and starts its posting.
func openStockDoc(tx *store.Tx, d *domain.StockDoc, keys []domain.BalanceKey, expiry map[domain.BalanceKey]string, r *refs, by int64) (*domain.Posting, error) {
	d.Sum()
	if err := prefetchBooks(tx, d.Type, stockDocEntry(d)); err != nil {
		return nil, err
	}
	var err error
	if d.Number, err = tx.NextNumber(d.Type); err != nil {
		return nil, err
	}
	if err := tx.CreateStockDoc(d); err != nil {
		return nil, err
	}
	// The document and its lines go with the balances' lock; their ids
	// are known once it has run.
	balances, err := tx.LockBalances(keys, expiry)
	if err != nil {
		return nil, err
	}
	if err := tx.AwaitIDs(); err != nil {
		return nil, err
	}
	return domain.NewPosting(domain.DocRef{Type: d.Type, ID: d.ID, Number: d.Number, Date: d.BizDate}, tx.Now, by, balances, r.whs, r.prods), nil
}

// finishPosting writes a posting, checks the reorder points of what it
// touched, and books its voucher (gl nil: the posting moves no value, as a
// reservation). Every posting ends here, so none forgets either.
func finishPosting(tx *store.Tx, p *domain.Posting, prods map[int64]domain.Product, by int64, gl *glEntry) error {
	if err := tx.WritePosting(p); err != nil {
		return err
	}
	if err := reorderAfter(tx, p, prods, by); err != nil {
		return err
	}
	return bookPosting(tx, p, gl, by)
}
