package app

import (
	"context"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// InvoiceInput records an invoice (销售开票 or 采购收票) against whole
// documents of one partner that wait for it.
type InvoiceInput struct {
	PartnerID int64   `json:"partner_id"`
	InvoiceNo string  `json:"invoice_no"` // 发票号码
	Date      string  `json:"date"`       // 开票日期; today when empty
	DocIDs    []int64 `json:"doc_ids"`
	Remark    string  `json:"remark"`
}

// CreateInvoice records an invoice in one transaction: the documents it
// covers stop waiting, the partner's open item (with VAT, due by their
// terms from the invoice date) is raised and settled against their
// advances, and the invoice's VAT is booked (销售发票 Dr 1122 / Cr 销项;
// 采购发票 Dr 进项 / Cr 2202: the goods were booked when they moved). The
// invoice's amounts are its documents': a red invoice (红字发票) covers
// returns, and nets negative.
func (a *App) CreateInvoice(ctx context.Context, typ string, in InvoiceInput) (*domain.Invoice, error) {
	actor, err := require(ctx, domain.PermLedgerWrite)
	if err != nil {
		return nil, err
	}
	inv := &domain.Invoice{Type: typ, InvoiceNo: in.InvoiceNo, PartnerID: in.PartnerID, Date: in.Date, Remark: in.Remark, CreatedBy: actor.ID}
	latest, err := a.latestBizDate(ctx, in.Date)
	if err != nil {
		return nil, err
	}
	if err := inv.Validate(latest, in.DocIDs); err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		partner, err := store.Partners.Get(tx, in.PartnerID)
		if err != nil {
			return missingOn(err, "partner_id", "往来单位 %d 不存在", in.PartnerID)
		}
		// Only the role: an invoice bills goods that already moved, so a
		// partner deactivated since can still be invoiced for them.
		if err := partner.CheckRole(domain.PartnerRoleOf(typ)); err != nil {
			return err
		}
		// Even an invoice without VAT (and so without a voucher) raises an
		// item dated in its month.
		if err := tx.CheckPeriodOpen(domain.PeriodOf(inv.Date)); err != nil {
			if de := domain.AsError(err); de != nil {
				return de.WithField("date")
			}
			return err
		}
		doc, ret := domain.InvoiceDocTypes(typ)
		docs, err := store.PendingDocs(tx, []string{doc, ret}, 0, in.DocIDs, true)
		if err != nil {
			return err
		}
		byID := make(map[int64]domain.StockDoc, len(docs))
		for _, d := range docs {
			byID[d.ID] = d
		}
		if err := inv.Cover(in.DocIDs, byID, *partner); err != nil {
			return err
		}
		return bookInvoice(ctx, tx, inv, partner)
	})
	if err != nil {
		return nil, err
	}
	return store.GetInvoice(a.store.Read(ctx), typ, inv.ID)
}

// bookInvoice writes a checked invoice: its 发票号码 once per partner, its
// number, its lines, and (unless it nets to zero, which only closes its
// documents) the partner's open item settled against their advances, its
// VAT voucher, and the audit row.
func bookInvoice(ctx context.Context, tx *store.Tx, inv *domain.Invoice, partner *domain.Partner) error {
	used, err := store.InvoiceNoUsed(tx, inv.Type, partner.ID, inv.InvoiceNo)
	if err != nil {
		return err
	}
	if used {
		return domain.ErrDuplicate.WithField("invoice_no").WithMessage("%s 的发票号码 %s 已登记", partner.Name, inv.InvoiceNo)
	}
	if inv.Number, err = tx.NextNumber(inv.Type); err != nil {
		return err
	}
	if err := tx.CreateInvoice(inv); err != nil {
		return err
	}
	created := map[string]any{"number": inv.Number, "invoice_no": inv.InvoiceNo, "total": inv.Total, "partner_id": partner.ID, "docs": len(inv.Lines)}
	if inv.Total.IsZero() {
		return audit(ctx, tx, "create", inv.Type, inv.ID, nil, created)
	}
	kind := domain.InvoiceKind(inv.Type)
	it := &domain.OpenItem{PartnerID: partner.ID, Kind: kind, DocType: inv.Type, DocID: inv.ID, DocNumber: inv.Number,
		Date: inv.Date, DueDate: domain.DueDate(inv.Date, partner.PaymentTermsDays), Amount: inv.Total}
	if err := tx.AddOpenItem(it); err != nil {
		return err
	}
	inv.ItemID = it.ID
	if err := tx.SetInvoiceItem(inv.ID, it.ID); err != nil {
		return err
	}
	ref := domain.DocRef{Type: inv.Type, ID: inv.ID, Number: inv.Number, Date: inv.Date}
	if err := bookTemplate(tx, inv.Type, inv.Date, ref, partner, domain.DocAmounts{Amount: inv.Amount, Tax: inv.Tax}, 0, inv.CreatedBy); err != nil {
		return err
	}
	allocs, err := tx.AutoAllocate(partner.ID, kind)
	if err != nil {
		return err
	}
	if err := bookAdvancesUsed(tx, kind, partner, ref, allocs, 0, inv.CreatedBy); err != nil {
		return err
	}
	return audit(ctx, tx, "create", inv.Type, inv.ID, nil, created)
}

// GetInvoice returns an invoice with the documents it covers.
func (a *App) GetInvoice(ctx context.Context, typ string, id int64) (*domain.Invoice, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if err := domain.CheckInvoiceType(typ); err != nil {
		return nil, err
	}
	return store.GetInvoice(a.store.Read(ctx), typ, id)
}

// ListInvoices lists invoices of a type, newest first.
func (a *App) ListInvoices(ctx context.Context, typ string, partnerID int64, lp ListParams) (*List[domain.Invoice], error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if err := domain.CheckInvoiceType(typ); err != nil {
		return nil, err
	}
	p, err := lp.page(nil)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListInvoices(a.store.Read(ctx), typ, partnerID, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// PendingInvoiceDocs lists the documents waiting for an invoice of a type
// (待开票 / 未到票), oldest first, for one partner or all.
func (a *App) PendingInvoiceDocs(ctx context.Context, typ string, partnerID int64) ([]domain.StockDoc, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if err := domain.CheckInvoiceType(typ); err != nil {
		return nil, err
	}
	doc, ret := domain.InvoiceDocTypes(typ)
	return store.PendingDocs(a.store.Read(ctx), []string{doc, ret}, partnerID, nil, false)
}
