package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
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

// invoiceNo is a 发票号码: 8 digits on paper invoices, 20 on 全电发票; letters
// are allowed for a supplier's own numbering.
var invoiceNo = regexp.MustCompile(`^[0-9A-Za-z-]{1,32}$`)

func invoiceKind(typ string) error {
	if doc, _ := domain.InvoiceDocTypes(typ); doc == "" {
		return domain.Invalid("type", "未知发票类型 %s", typ)
	}
	return nil
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
	if err := invoiceKind(typ); err != nil {
		return nil, err
	}
	in.InvoiceNo = strings.TrimSpace(in.InvoiceNo)
	if !invoiceNo.MatchString(in.InvoiceNo) {
		return nil, domain.Invalid("invoice_no", "发票号码必填，最长 32 位字母或数字")
	}
	if in.Date == "" {
		in.Date = domain.LocalDate(now())
	}
	if err := notAfterToday(in.Date); err != nil {
		return nil, err
	}
	if len(in.DocIDs) == 0 || len(in.DocIDs) > 500 {
		return nil, domain.Invalid("doc_ids", "请选择 1–500 张待开票单据")
	}
	seen := map[int64]bool{}
	for i, id := range in.DocIDs {
		if seen[id] {
			return nil, domain.Invalid(fmt.Sprintf("doc_ids[%d]", i), "单据 %d 重复", id)
		}
		seen[id] = true
	}
	in.Remark = strings.TrimSpace(in.Remark)
	if len([]rune(in.Remark)) > 255 {
		return nil, domain.Invalid("remark", "备注最长 255 字")
	}
	kind := domain.InvoiceKind(typ)
	doc, ret := domain.InvoiceDocTypes(typ)
	inv := &domain.Invoice{Type: typ, InvoiceNo: in.InvoiceNo, PartnerID: in.PartnerID, Date: in.Date, Remark: in.Remark, CreatedBy: actor.ID}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		partner, err := store.Partners.Get(tx, in.PartnerID)
		if err != nil {
			return missingOn(err, "partner_id", "往来单位 %d 不存在", in.PartnerID)
		}
		// Even an invoice without VAT (and so without a voucher) raises an
		// item dated in its month.
		if err := tx.CheckPeriodOpen(domain.PeriodOf(in.Date)); err != nil {
			if de := domain.AsError(err); de != nil {
				return de.WithField("date")
			}
			return err
		}
		docs, err := store.PendingDocs(tx, []string{doc, ret}, 0, in.DocIDs, true)
		if err != nil {
			return err
		}
		byID := make(map[int64]domain.StockDoc, len(docs))
		for _, d := range docs {
			byID[d.ID] = d
		}
		inv.Lines, inv.Amount, inv.Tax = inv.Lines[:0], decimal.Zero, decimal.Zero
		for i, id := range in.DocIDs {
			f := fmt.Sprintf("doc_ids[%d]", i)
			d, ok := byID[id]
			if !ok {
				return domain.Invalid(f, "单据 %d 不是待开票的%s或%s", id, domain.DocName(doc), domain.DocName(ret))
			}
			if d.PartnerID != partner.ID {
				return domain.Invalid(f, "%s 不是 %s 的单据", d.Number, partner.Name)
			}
			if posted := domain.LocalDate(d.PostedAt); posted > in.Date {
				return domain.Invalid("date", "%s 于 %s 过账，发票日期不能早于它", d.Number, posted)
			}
			l := domain.InvoiceLine{DocType: d.Type, DocID: d.ID, DocNumber: d.Number, Amount: d.Amount, Tax: d.TaxAmount}
			if d.Type == ret {
				l.Amount, l.Tax = l.Amount.Neg(), l.Tax.Neg()
			}
			inv.Amount, inv.Tax = inv.Amount.Add(l.Amount), inv.Tax.Add(l.Tax)
			inv.Lines = append(inv.Lines, l)
		}
		// A total of zero (goods returned in full, a free sample) still
		// closes its documents, but raises no item and books nothing.
		inv.Total = inv.Amount.Add(inv.Tax)
		if used, err := store.InvoiceNoUsed(tx, typ, partner.ID, inv.InvoiceNo); err != nil || used {
			if err != nil {
				return err
			}
			return domain.ErrDuplicate.WithField("invoice_no").WithMessage("%s 的发票号码 %s 已登记", partner.Name, inv.InvoiceNo)
		}
		if inv.Number, err = tx.NextNumber(typ); err != nil {
			return err
		}
		if err := tx.CreateInvoice(inv); err != nil {
			return err
		}
		if inv.Total.IsZero() {
			return audit(ctx, tx, "create", typ, inv.ID, nil, map[string]any{"number": inv.Number, "invoice_no": inv.InvoiceNo,
				"total": inv.Total, "partner_id": partner.ID, "docs": len(inv.Lines)})
		}
		it := &domain.OpenItem{PartnerID: partner.ID, Kind: kind, DocType: typ, DocID: inv.ID, DocNumber: inv.Number,
			Date: inv.Date, DueDate: domain.DueDate(inv.Date, partner.PaymentTermsDays), Amount: inv.Total}
		if err := tx.AddOpenItem(it); err != nil {
			return err
		}
		inv.ItemID = it.ID
		if err := tx.SetInvoiceItem(inv.ID, it.ID); err != nil {
			return err
		}
		ref := domain.DocRef{Type: typ, ID: inv.ID, Number: inv.Number}
		if err := bookTemplate(tx, typ, inv.Date, ref, partner, domain.DocAmounts{Amount: inv.Amount, Tax: inv.Tax}, 0, actor.ID); err != nil {
			return err
		}
		allocs, err := tx.AutoAllocate(partner.ID, kind)
		if err != nil {
			return err
		}
		if err := bookAdvancesUsed(tx, kind, partner, ref, allocs, 0, actor.ID); err != nil {
			return err
		}
		return audit(ctx, tx, "create", typ, inv.ID, nil, map[string]any{"number": inv.Number, "invoice_no": inv.InvoiceNo,
			"total": inv.Total, "partner_id": partner.ID, "docs": len(inv.Lines)})
	})
	if err != nil {
		return nil, err
	}
	return store.GetInvoice(a.store.Read(ctx), typ, inv.ID)
}

// GetInvoice returns an invoice with the documents it covers.
func (a *App) GetInvoice(ctx context.Context, typ string, id int64) (*domain.Invoice, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if err := invoiceKind(typ); err != nil {
		return nil, err
	}
	return store.GetInvoice(a.store.Read(ctx), typ, id)
}

// ListInvoices lists invoices of a type, newest first.
func (a *App) ListInvoices(ctx context.Context, typ string, partnerID int64, lp ListParams) (*List[domain.Invoice], error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if err := invoiceKind(typ); err != nil {
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
	if err := invoiceKind(typ); err != nil {
		return nil, err
	}
	doc, ret := domain.InvoiceDocTypes(typ)
	return store.PendingDocs(a.store.Read(ctx), []string{doc, ret}, partnerID, nil, false)
}
