package store

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/dingerp/erpd/domain"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// The schema is versioned: each migration is frozen once released, and
// defines the tables it creates with its own structs, so later changes to
// the code never change what an old migration does. A database created by
// any earlier release migrates forward at start with its data intact.
//
// Column types: DECIMAL(20,4) for quantities and amounts, DECIMAL(20,6) for
// unit costs. On SQLite these have NUMERIC affinity, which keeps 15
// significant digits exactly (¥99,999,999,999.9999); arithmetic is done in
// Go decimals on both engines.

type m1Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string `gorm:"type:text;not null"`
}

func (m1Setting) TableName() string { return "settings" }

type m1Sequence struct {
	Name  string `gorm:"primaryKey;size:64"`
	Value int64  `gorm:"not null"`
}

func (m1Sequence) TableName() string { return "sequences" }

type m1User struct {
	ID             int64  `gorm:"primaryKey;autoIncrement"`
	Username       string `gorm:"size:32;not null;uniqueIndex"`
	Name           string `gorm:"size:64;not null"`
	PasswordHash   string `gorm:"size:100;not null"`
	Roles          string `gorm:"size:255;not null"`
	Status         string `gorm:"size:16;not null"`
	DataScope      string `gorm:"size:16;not null"`
	DepartmentID   *int64 `gorm:"index"`
	DingTalkUserID string `gorm:"column:dingtalk_user_id;size:64;not null;index"`
	Mobile         string `gorm:"size:32;not null"`
	Email          string `gorm:"size:128;not null"`
	TokenVersion   int    `gorm:"not null"`
	LastLoginAt    *time.Time
	Version        int `gorm:"not null"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DeletedAt      *time.Time `gorm:"index"`
}

func (m1User) TableName() string { return "users" }

type m1Audit struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	At        time.Time `gorm:"not null;index"`
	ActorID   int64     `gorm:"not null;index"`
	ActorName string    `gorm:"size:64;not null"`
	Action    string    `gorm:"size:32;not null"`
	Entity    string    `gorm:"size:32;not null;index:idx_audit_entity,priority:1"`
	EntityID  int64     `gorm:"not null;index:idx_audit_entity,priority:2"`
	Before    string    `gorm:"type:longtext"`
	After     string    `gorm:"type:longtext"`
	RequestID string    `gorm:"size:64;not null"`
}

func (m1Audit) TableName() string { return "audit_logs" }

type m1Idempotency struct {
	Key         string    `gorm:"primaryKey;size:191"`
	RequestHash string    `gorm:"size:64;not null"`
	State       string    `gorm:"size:16;not null"`
	StatusCode  int       `gorm:"not null"`
	Response    string    `gorm:"type:longtext"`
	ContentType string    `gorm:"size:128;not null"`
	CreatedAt   time.Time `gorm:"not null"`
	ExpiresAt   time.Time `gorm:"not null;index"`
}

func (m1Idempotency) TableName() string { return "idempotency_keys" }

type m1Unit struct {
	ID         int64           `gorm:"primaryKey;autoIncrement"`
	Name       string          `gorm:"size:32;not null;uniqueIndex"`
	BaseUnitID *int64          `gorm:"index"`
	Ratio      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Version    int             `gorm:"not null"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
	DeletedAt  *time.Time
}

func (m1Unit) TableName() string { return "units" }

type m1Category struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Code      string `gorm:"size:64;not null;uniqueIndex"`
	Name      string `gorm:"size:64;not null"`
	ParentID  *int64 `gorm:"index"`
	Sort      int    `gorm:"not null"`
	Version   int    `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
}

func (m1Category) TableName() string { return "categories" }

type m1Product struct {
	ID           int64           `gorm:"primaryKey;autoIncrement"`
	SKU          string          `gorm:"column:sku;size:64;not null;uniqueIndex"`
	Name         string          `gorm:"size:128;not null;index"`
	Spec         string          `gorm:"size:128;not null"`
	UnitID       int64           `gorm:"not null;index"`
	CategoryID   *int64          `gorm:"index"`
	Barcode      string          `gorm:"size:64;not null;index"`
	TaxRate      decimal.Decimal `gorm:"type:decimal(6,4);not null"`
	SafetyStock  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	BatchTracked bool            `gorm:"not null"`
	Status       string          `gorm:"size:16;not null"`
	Version      int             `gorm:"not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DeletedAt    *time.Time
}

func (m1Product) TableName() string { return "products" }

type m1Warehouse struct {
	ID            int64  `gorm:"primaryKey;autoIncrement"`
	Code          string `gorm:"size:64;not null;uniqueIndex"`
	Name          string `gorm:"size:64;not null"`
	Address       string `gorm:"size:255;not null"`
	AllowNegative bool   `gorm:"not null"`
	Status        string `gorm:"size:16;not null"`
	Version       int    `gorm:"not null"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DeletedAt     *time.Time
}

func (m1Warehouse) TableName() string { return "warehouses" }

type m1Partner struct {
	ID               int64           `gorm:"primaryKey;autoIncrement"`
	Code             string          `gorm:"size:64;not null;uniqueIndex"`
	Name             string          `gorm:"size:128;not null;index"`
	Type             string          `gorm:"size:16;not null;index"`
	Contact          string          `gorm:"size:64;not null"`
	Phone            string          `gorm:"size:64;not null"`
	Address          string          `gorm:"size:255;not null"`
	CreditLimit      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	PaymentTermsDays int             `gorm:"not null"`
	Status           string          `gorm:"size:16;not null"`
	Version          int             `gorm:"not null"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
	DeletedAt        *time.Time
}

func (m1Partner) TableName() string { return "partners" }

type m1DictEntry struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Type      string `gorm:"size:32;not null;uniqueIndex:uq_dict,priority:1"`
	Code      string `gorm:"size:64;not null;uniqueIndex:uq_dict,priority:2"`
	Label     string `gorm:"size:64;not null"`
	Sort      int    `gorm:"not null"`
	Enabled   bool   `gorm:"not null"`
	Version   int    `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m1DictEntry) TableName() string { return "dict_entries" }

type m1Balance struct {
	ID          int64           `gorm:"primaryKey;autoIncrement"`
	ProductID   int64           `gorm:"not null;uniqueIndex:uq_balance,priority:1"`
	WarehouseID int64           `gorm:"not null;uniqueIndex:uq_balance,priority:2;index"`
	Batch       string          `gorm:"size:64;not null;uniqueIndex:uq_balance,priority:3"`
	Expiry      *string         `gorm:"size:10"`
	OnHand      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Reserved    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	AvgCost     decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	Value       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UpdatedAt   time.Time
}

func (m1Balance) TableName() string { return "stock_balances" }

type m1Move struct {
	ID           int64           `gorm:"primaryKey;autoIncrement"`
	ProductID    int64           `gorm:"not null;index:idx_move_pw,priority:1"`
	WarehouseID  int64           `gorm:"not null;index:idx_move_pw,priority:2;index:idx_move_w,priority:1"`
	Batch        string          `gorm:"size:64;not null"`
	Kind         string          `gorm:"size:16;not null"`
	Qty          decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitCost     decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	Amount       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	BalanceQty   decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	BalanceValue decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	DocType      string          `gorm:"size:32;not null;index:idx_move_doc,priority:1"`
	DocID        int64           `gorm:"not null;index:idx_move_doc,priority:2"`
	DocNumber    string          `gorm:"size:32;not null"`
	LineID       int64           `gorm:"not null"`
	PostedAt     time.Time       `gorm:"not null;index:idx_move_pw,priority:3;index:idx_move_w,priority:2;index"`
	CreatedBy    int64           `gorm:"not null"`
}

func (m1Move) TableName() string { return "stock_moves" }

type m1DocHeader struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Number    string `gorm:"size:32;not null;uniqueIndex"`
	Status    string `gorm:"size:16;not null;index"`
	Remark    string `gorm:"size:500;not null"`
	PostedAt  *time.Time
	CreatedBy int64 `gorm:"not null;index"`
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int `gorm:"not null"`
}

type m1Opening struct {
	Header      m1DocHeader `gorm:"embedded"`
	WarehouseID int64       `gorm:"not null;index"`
}

func (m1Opening) TableName() string { return "stock_openings" }

type m1OpeningLine struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	OpeningID int64           `gorm:"not null;index"`
	ProductID int64           `gorm:"not null;index"`
	Batch     string          `gorm:"size:64;not null"`
	Expiry    *string         `gorm:"size:10"`
	Qty       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitCost  decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	Amount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m1OpeningLine) TableName() string { return "stock_opening_lines" }

type m1Transfer struct {
	Header          m1DocHeader `gorm:"embedded"`
	FromWarehouseID int64       `gorm:"not null;index"`
	ToWarehouseID   int64       `gorm:"not null;index"`
}

func (m1Transfer) TableName() string { return "transfers" }

type m1TransferLine struct {
	ID         int64           `gorm:"primaryKey;autoIncrement"`
	TransferID int64           `gorm:"not null;index"`
	ProductID  int64           `gorm:"not null;index"`
	Batch      string          `gorm:"size:64;not null"`
	Qty        decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitCost   decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	Amount     decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m1TransferLine) TableName() string { return "transfer_lines" }

type m1Stocktake struct {
	Header      m1DocHeader `gorm:"embedded"`
	WarehouseID int64       `gorm:"not null;index"`
}

func (m1Stocktake) TableName() string { return "stocktakes" }

type m1StocktakeLine struct {
	ID          int64           `gorm:"primaryKey;autoIncrement"`
	StocktakeID int64           `gorm:"not null;index"`
	ProductID   int64           `gorm:"not null;index"`
	Batch       string          `gorm:"size:64;not null"`
	CountedQty  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	BookQty     decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	DiffQty     decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitCost    decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	Amount      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m1StocktakeLine) TableName() string { return "stocktake_lines" }

// seedDictionaries are the enumerations every company starts with.
var seedDictionaries = []struct{ typ, code, label string }{
	{"payment_method", "cash", "现金"},
	{"payment_method", "bank", "银行转账"},
	{"payment_method", "alipay", "支付宝"},
	{"payment_method", "wechat", "微信支付"},
	{"payment_method", "acceptance", "承兑汇票"},
	{"customer_level", "A", "A 类（重点客户）"},
	{"customer_level", "B", "B 类"},
	{"customer_level", "C", "C 类"},
	{"shipping_method", "self", "自提"},
	{"shipping_method", "express", "快递"},
	{"shipping_method", "logistics", "物流"},
}

type m3Order struct {
	ID           int64           `gorm:"primaryKey;autoIncrement"`
	Type         string          `gorm:"size:32;not null;index:idx_order_type_status,priority:1;index:idx_order_partner,priority:2"`
	Number       string          `gorm:"size:32;not null;uniqueIndex"`
	Status       string          `gorm:"size:24;not null;index:idx_order_type_status,priority:2"`
	PartnerID    int64           `gorm:"not null;index:idx_order_partner,priority:1"`
	WarehouseID  int64           `gorm:"not null;index"`
	OrderDate    string          `gorm:"size:10;not null;index"`
	ExpectedDate *string         `gorm:"size:10"`
	Remark       string          `gorm:"size:500;not null"`
	Amount       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	TaxAmount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Total        decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ApprovalID   *int64
	CreatedBy    int64 `gorm:"not null;index"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int `gorm:"not null"`
}

func (m3Order) TableName() string { return "orders" }

type m3OrderLine struct {
	ID           int64           `gorm:"primaryKey;autoIncrement"`
	OrderID      int64           `gorm:"not null;index"`
	ProductID    int64           `gorm:"not null;index"`
	Qty          decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitPrice    decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	TaxRate      decimal.Decimal `gorm:"type:decimal(6,4);not null"`
	DiscountRate decimal.Decimal `gorm:"type:decimal(6,4);not null"`
	Amount       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	TaxAmount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Total        decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Remark       string          `gorm:"size:200;not null"`
	ReceivedQty  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ShippedQty   decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ReturnedQty  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m3OrderLine) TableName() string { return "order_lines" }

type m3StockDoc struct {
	ID          int64           `gorm:"primaryKey;autoIncrement"`
	Type        string          `gorm:"size:32;not null;index:idx_sdoc_type_posted,priority:1;index:idx_sdoc_partner,priority:2"`
	Number      string          `gorm:"size:32;not null;uniqueIndex"`
	Status      string          `gorm:"size:16;not null"`
	OrderID     int64           `gorm:"not null;index"`
	SourceID    *int64          `gorm:"index"`
	PartnerID   int64           `gorm:"not null;index:idx_sdoc_partner,priority:1"`
	WarehouseID int64           `gorm:"not null;index"`
	Remark      string          `gorm:"size:500;not null"`
	Amount      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	TaxAmount   decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Total       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	CostAmount  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	PostedAt    time.Time       `gorm:"not null;index:idx_sdoc_type_posted,priority:2"`
	CreatedBy   int64           `gorm:"not null;index"`
	CreatedAt   time.Time
}

func (m3StockDoc) TableName() string { return "stock_docs" }

type m3StockDocLine struct {
	ID           int64           `gorm:"primaryKey;autoIncrement"`
	DocID        int64           `gorm:"not null;index"`
	OrderLineID  int64           `gorm:"not null;index"`
	SourceLineID *int64          `gorm:"index"`
	ProductID    int64           `gorm:"not null;index"`
	Batch        string          `gorm:"size:64;not null"`
	Expiry       *string         `gorm:"size:10"`
	Qty          decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitPrice    decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	TaxRate      decimal.Decimal `gorm:"type:decimal(6,4);not null"`
	Amount       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	TaxAmount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Total        decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UnitCost     decimal.Decimal `gorm:"type:decimal(20,6);not null"`
	CostAmount   decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ReturnedQty  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m3StockDocLine) TableName() string { return "stock_doc_lines" }

type m3Reservation struct {
	ID          int64           `gorm:"primaryKey;autoIncrement"`
	OrderID     int64           `gorm:"not null;index"`
	OrderLineID int64           `gorm:"not null;index"`
	ProductID   int64           `gorm:"not null;index:idx_resv_pw,priority:1"`
	WarehouseID int64           `gorm:"not null;index:idx_resv_pw,priority:2"`
	Batch       string          `gorm:"size:64;not null"`
	Qty         decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m3Reservation) TableName() string { return "reservations" }

type m3Approval struct {
	ID          int64           `gorm:"primaryKey;autoIncrement"`
	DocType     string          `gorm:"size:32;not null;index:idx_appr_doc,priority:1"`
	DocID       int64           `gorm:"not null;index:idx_appr_doc,priority:2"`
	DocNumber   string          `gorm:"size:32;not null"`
	Status      string          `gorm:"size:16;not null;index:idx_appr_status_role,priority:1"`
	Role        string          `gorm:"size:16;not null;index:idx_appr_status_role,priority:2"`
	Amount      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	PartnerName string          `gorm:"size:128;not null"`
	Reason      string          `gorm:"size:255;not null"`
	RequestedBy int64           `gorm:"not null;index"`
	DecidedBy   *int64
	DecidedAt   *time.Time
	Comment     string `gorm:"size:500;not null"`
	Channel     string `gorm:"size:16;not null"`
	ExternalID  string `gorm:"size:64;not null;index"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int `gorm:"not null"`
}

func (m3Approval) TableName() string { return "approvals" }

type m3ApprovalRule struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	DocType   string          `gorm:"size:32;not null;index"`
	MinAmount decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Role      string          `gorm:"size:16;not null"`
	Enabled   bool            `gorm:"not null"`
	Version   int             `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m3ApprovalRule) TableName() string { return "approval_rules" }

type m4Balance struct {
	IdleSince *time.Time `gorm:"index"`
}

func (m4Balance) TableName() string { return "stock_balances" }

type m5Requisition struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	Number      string `gorm:"size:32;not null;uniqueIndex"`
	Status      string `gorm:"size:16;not null;index"`
	Source      string `gorm:"size:16;not null"`
	WarehouseID int64  `gorm:"not null;uniqueIndex:uq_req_auto,priority:1"`
	// AutoOpen is "open" on the one draft reorder requisition of a warehouse
	// and NULL otherwise, so a unique index keeps it one.
	AutoOpen  *string `gorm:"size:8;uniqueIndex:uq_req_auto,priority:2"`
	Remark    string  `gorm:"size:500;not null"`
	OrderID   *int64
	CreatedBy int64 `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int `gorm:"not null"`
}

func (m5Requisition) TableName() string { return "requisitions" }

type m5RequisitionLine struct {
	ID            int64           `gorm:"primaryKey;autoIncrement"`
	RequisitionID int64           `gorm:"not null;uniqueIndex:uq_req_line,priority:1"`
	ProductID     int64           `gorm:"not null;uniqueIndex:uq_req_line,priority:2;index"`
	Qty           decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Available     decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	SafetyStock   decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Remark        string          `gorm:"size:200;not null"`
}

func (m5RequisitionLine) TableName() string { return "requisition_lines" }

type m6Department struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	DingTalkID int64  `gorm:"column:dingtalk_id;not null;uniqueIndex"`
	Name       string `gorm:"size:128;not null"`
	ParentID   *int64 `gorm:"index"`
	Managers   string `gorm:"size:1000;not null"`
	Status     string `gorm:"size:16;not null"`
	SyncedAt   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (m6Department) TableName() string { return "departments" }

type m6User struct {
	Title     string `gorm:"size:64;not null;default:''"`
	JobNumber string `gorm:"size:64;not null;default:''"`
	// LeadsDepartments lists the ERP department ids the user leads
	// (DingTalk's leader_in_dept), comma-separated.
	LeadsDepartments string `gorm:"size:1000;not null;default:''"`
	Source           string `gorm:"size:16;not null;default:'local'"`
}

func (m6User) TableName() string { return "users" }

type m7ProcessedEvent struct {
	ID          string    `gorm:"primaryKey;size:128"`
	Type        string    `gorm:"size:64;not null"`
	ProcessedAt time.Time `gorm:"not null;index"`
}

func (m7ProcessedEvent) TableName() string { return "processed_events" }

type m8Outbox struct {
	ID         int64     `gorm:"primaryKey;autoIncrement"`
	Kind       string    `gorm:"size:32;not null"`
	Payload    string    `gorm:"type:text;not null"`
	Status     string    `gorm:"size:16;not null;index:idx_outbox_due,priority:1"`
	NextAt     time.Time `gorm:"not null;index:idx_outbox_due,priority:2"`
	LeaseUntil *time.Time
	Attempts   int    `gorm:"not null"`
	LastError  string `gorm:"size:500;not null"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (m8Outbox) TableName() string { return "outbox" }

type m8Card struct {
	OutTrackID string `gorm:"primaryKey;size:64"`
	Kind       string `gorm:"size:16;not null;index:idx_card_ref,priority:1"`
	RefID      int64  `gorm:"not null;index:idx_card_ref,priority:2"`
	UserID     string `gorm:"size:64;not null"`
	CreatedAt  time.Time
}

func (m8Card) TableName() string { return "dingtalk_cards" }

type m9Account struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Code      string `gorm:"size:32;not null;uniqueIndex"`
	Name      string `gorm:"size:64;not null"`
	Category  string `gorm:"size:16;not null"`
	Normal    string `gorm:"size:8;not null"`
	ParentID  *int64 `gorm:"index"`
	Level     int    `gorm:"not null"`
	System    bool   `gorm:"not null"`
	Status    string `gorm:"size:16;not null"`
	Version   int    `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m9Account) TableName() string { return "accounts" }

type m9Voucher struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	Period      string `gorm:"size:7;not null;uniqueIndex:idx_voucher_seq,priority:1"`
	Seq         int    `gorm:"not null;uniqueIndex:idx_voucher_seq,priority:2"`
	Number      string `gorm:"size:16;not null"`
	Date        string `gorm:"size:10;not null;index"`
	Source      string `gorm:"size:32;not null;index:idx_voucher_source,priority:1"`
	SourceID    int64  `gorm:"not null;index:idx_voucher_source,priority:2"`
	SourceNo    string `gorm:"column:source_no;size:32;not null"`
	ReversalOf  *int64 `gorm:"index"`
	ReversedBy  *int64
	Remark      string          `gorm:"size:255;not null"`
	Attachments int             `gorm:"not null"`
	Debit       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Credit      decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	CreatedBy   int64           `gorm:"not null"`
	CreatedAt   time.Time
}

func (m9Voucher) TableName() string { return "vouchers" }

type m9VoucherLine struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	VoucherID int64           `gorm:"not null;index"`
	AccountID int64           `gorm:"not null;index:idx_vline_account,priority:1"`
	Period    string          `gorm:"size:7;not null;index:idx_vline_account,priority:2;index"`
	Summary   string          `gorm:"size:255;not null"`
	Debit     decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Credit    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	PartnerID *int64          `gorm:"index"`
	ProductID *int64
}

func (m9VoucherLine) TableName() string { return "voucher_lines" }

type m9VoucherTemplate struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Event     string `gorm:"size:32;not null;uniqueIndex"`
	Name      string `gorm:"size:64;not null"`
	Lines     string `gorm:"type:text;not null"`
	Version   int    `gorm:"not null"`
	UpdatedAt time.Time
}

func (m9VoucherTemplate) TableName() string { return "voucher_templates" }

type m9Period struct {
	Period    string `gorm:"primaryKey;size:7"`
	Status    string `gorm:"size:16;not null"`
	ClosedAt  *time.Time
	ClosedBy  *int64
	Version   int `gorm:"not null"`
	UpdatedAt time.Time
}

func (m9Period) TableName() string { return "periods" }

type m10OpenItem struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	PartnerID int64           `gorm:"not null;index:idx_item_partner,priority:1"`
	Kind      string          `gorm:"size:2;not null;index:idx_item_partner,priority:2"`
	DocType   string          `gorm:"size:32;not null;index:idx_item_doc,priority:1"`
	DocID     int64           `gorm:"not null;index:idx_item_doc,priority:2"`
	DocNumber string          `gorm:"size:32;not null"`
	Date      string          `gorm:"size:10;not null"`
	DueDate   string          `gorm:"size:10;not null"`
	Amount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Open      decimal.Decimal `gorm:"column:open_amount;type:decimal(20,4);not null"`
	CreatedAt time.Time
}

func (m10OpenItem) TableName() string { return "open_items" }

// m16OpenItem indexes open items by partner, kind and open amount.
type m16OpenItem struct {
	PartnerID int64           `gorm:"index:idx_item_open,priority:1"`
	Kind      string          `gorm:"size:2;index:idx_item_open,priority:2"`
	Open      decimal.Decimal `gorm:"column:open_amount;type:decimal(20,4);index:idx_item_open,priority:3"`
}

func (m16OpenItem) TableName() string { return "open_items" }

type m10Allocation struct {
	ID           int64           `gorm:"primaryKey;autoIncrement"`
	DebitItemID  int64           `gorm:"not null;index"`
	CreditItemID int64           `gorm:"not null;index"`
	Amount       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	CreatedAt    time.Time
}

func (m10Allocation) TableName() string { return "allocations" }

type m10MoneyDoc struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	Type      string          `gorm:"size:32;not null;index"`
	Number    string          `gorm:"size:32;not null;uniqueIndex"`
	PartnerID int64           `gorm:"not null;index"`
	AccountID int64           `gorm:"not null"`
	Amount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Date      string          `gorm:"size:10;not null;index"`
	Remark    string          `gorm:"size:255;not null"`
	ItemID    int64           `gorm:"not null"`
	CreatedBy int64           `gorm:"not null"`
	CreatedAt time.Time
}

func (m10MoneyDoc) TableName() string { return "money_docs" }

type m11PeriodStock struct {
	Period      string          `gorm:"primaryKey;size:7"`
	ProductID   int64           `gorm:"primaryKey"`
	WarehouseID int64           `gorm:"primaryKey"`
	Batch       string          `gorm:"primaryKey;size:64"`
	Qty         decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Value       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m11PeriodStock) TableName() string { return "period_stock" }

type m12PeriodTotal struct {
	AccountID     int64           `gorm:"primaryKey"`
	Period        string          `gorm:"primaryKey;size:7"`
	Debit         decimal.Decimal `gorm:"type:decimal(24,4);not null"`
	Credit        decimal.Decimal `gorm:"type:decimal(24,4);not null"`
	ClosingDebit  decimal.Decimal `gorm:"type:decimal(24,4);not null"`
	ClosingCredit decimal.Decimal `gorm:"type:decimal(24,4);not null"`
}

func (m12PeriodTotal) TableName() string { return "account_period_totals" }

type m12PartnerTotal struct {
	AccountID int64           `gorm:"primaryKey"`
	PartnerID int64           `gorm:"primaryKey"`
	Period    string          `gorm:"primaryKey;size:7"`
	Debit     decimal.Decimal `gorm:"type:decimal(24,4);not null"`
	Credit    decimal.Decimal `gorm:"type:decimal(24,4);not null"`
}

func (m12PartnerTotal) TableName() string { return "account_partner_totals" }

type m14StockDoc struct {
	InvoiceStatus string `gorm:"size:16;not null;default:''"`
	InvoiceID     *int64
}

func (m14StockDoc) TableName() string { return "stock_docs" }

type m14Invoice struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	Type      string          `gorm:"size:32;not null;uniqueIndex:idx_invoice_no,priority:1;index:idx_invoice_partner,priority:1"`
	Number    string          `gorm:"size:32;not null;uniqueIndex"`
	InvoiceNo string          `gorm:"size:32;not null;uniqueIndex:idx_invoice_no,priority:3"`
	PartnerID int64           `gorm:"not null;uniqueIndex:idx_invoice_no,priority:2;index:idx_invoice_partner,priority:2"`
	Date      string          `gorm:"size:10;not null;index"`
	Amount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Tax       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Total     decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ItemID    int64           `gorm:"not null"`
	Remark    string          `gorm:"size:255;not null"`
	CreatedBy int64           `gorm:"not null"`
	CreatedAt time.Time
}

func (m14Invoice) TableName() string { return "invoices" }

type m14InvoiceLine struct {
	ID        int64           `gorm:"primaryKey;autoIncrement"`
	InvoiceID int64           `gorm:"not null;index"`
	DocType   string          `gorm:"size:32;not null"`
	DocID     int64           `gorm:"not null;uniqueIndex"` // a document is invoiced once
	DocNumber string          `gorm:"size:32;not null"`
	Amount    decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	Tax       decimal.Decimal `gorm:"type:decimal(20,4);not null"`
}

func (m14InvoiceLine) TableName() string { return "invoice_lines" }

type m15User struct {
	TOTPEnabled  bool   `gorm:"column:totp_enabled;not null;default:false"`
	TOTPSecret   string `gorm:"column:totp_secret;size:255;not null;default:''"`
	TOTPLastStep int64  `gorm:"column:totp_last_step;not null;default:0"`
}

func (m15User) TableName() string { return "users" }

// m100 (issue 20 §3): the business date (业务日期) of stock documents and
// of the moves they post, a Shanghai yyyy-mm-dd.
type m100StockDoc struct {
	Type    string `gorm:"size:32;index:idx_sdoc_biz,priority:1"`
	BizDate string `gorm:"column:biz_date;size:10;not null;default:'';index:idx_sdoc_biz,priority:2"`
}

func (m100StockDoc) TableName() string { return "stock_docs" }

type m100Opening struct {
	BizDate string `gorm:"column:biz_date;size:10;not null;default:''"`
}

func (m100Opening) TableName() string { return "stock_openings" }

type m100Transfer struct {
	Status  string `gorm:"size:16;index:idx_transfer_biz,priority:1"`
	BizDate string `gorm:"column:biz_date;size:10;not null;default:'';index:idx_transfer_biz,priority:2"`
}

func (m100Transfer) TableName() string { return "transfers" }

type m100Stocktake struct {
	Status  string `gorm:"size:16;index:idx_stocktake_biz,priority:1"`
	BizDate string `gorm:"column:biz_date;size:10;not null;default:'';index:idx_stocktake_biz,priority:2"`
}

func (m100Stocktake) TableName() string { return "stocktakes" }

type m100Move struct {
	BizDate string `gorm:"column:biz_date;size:10;not null;default:'';index:idx_move_biz"`
}

func (m100Move) TableName() string { return "stock_moves" }

// Migrations is the ordered, append-only list of schema versions.
var Migrations = []*gormigrate.Migration{
	{
		ID: "202611230001_initial",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m1Setting{}, &m1Sequence{}, &m1User{}, &m1Audit{}, &m1Idempotency{},
				&m1Unit{}, &m1Category{}, &m1Product{}, &m1Warehouse{}, &m1Partner{}, &m1DictEntry{},
				&m1Balance{}, &m1Move{}, &m1Opening{}, &m1OpeningLine{}, &m1Transfer{}, &m1TransferLine{},
				&m1Stocktake{}, &m1StocktakeLine{})
		},
	},
	{
		ID: "202611230002_seed_dictionaries",
		Migrate: func(db *gorm.DB) error {
			now := db.NowFunc()
			for i, e := range seedDictionaries {
				row := m1DictEntry{Type: e.typ, Code: e.code, Label: e.label, Sort: i + 1, Enabled: true, Version: 1, CreatedAt: now, UpdatedAt: now}
				if err := db.Where("type = ? AND code = ?", e.typ, e.code).FirstOrCreate(&row).Error; err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		ID: "202611230003_orders_and_approvals",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m3Order{}, &m3OrderLine{}, &m3StockDoc{}, &m3StockDocLine{}, &m3Reservation{},
				&m3Approval{}, &m3ApprovalRule{})
		},
	},
	{
		// The slow-moving report reads when each balance went idle from the
		// balance instead of scanning moves; existing balances get it from
		// history once (last outbound, or else the first move).
		ID: "202611230004_balance_idle_since",
		Migrate: func(db *gorm.DB) error {
			if !db.Migrator().HasColumn(&m4Balance{}, "IdleSince") {
				if err := db.Migrator().AddColumn(&m4Balance{}, "IdleSince"); err != nil {
					return err
				}
				if err := db.Migrator().CreateIndex(&m4Balance{}, "IdleSince"); err != nil {
					return err
				}
			}
			return db.Exec(`UPDATE stock_balances SET idle_since = COALESCE(
				(SELECT MAX(m.posted_at) FROM stock_moves m WHERE m.product_id = stock_balances.product_id
				 AND m.warehouse_id = stock_balances.warehouse_id AND m.batch = stock_balances.batch
				 AND m.qty < 0 AND m.doc_type <> 'stocktake'),
				(SELECT MIN(m.posted_at) FROM stock_moves m WHERE m.product_id = stock_balances.product_id
				 AND m.warehouse_id = stock_balances.warehouse_id AND m.batch = stock_balances.batch))`).Error
		},
	},
	{
		ID: "202611230005_requisitions",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m5Requisition{}, &m5RequisitionLine{})
		},
	},
	{
		// The org mirror: departments from DingTalk, and what users carry of it.
		ID: "202611230006_org_mirror",
		Migrate: func(db *gorm.DB) error {
			if err := db.AutoMigrate(&m6Department{}); err != nil {
				return err
			}
			for _, col := range []string{"Title", "JobNumber", "LeadsDepartments", "Source"} {
				if !db.Migrator().HasColumn(&m6User{}, col) {
					if err := db.Migrator().AddColumn(&m6User{}, col); err != nil {
						return err
					}
				}
			}
			return nil
		},
	},
	{
		// Events from DingTalk may arrive more than once; each is applied once.
		ID: "202611230007_processed_events",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m7ProcessedEvent{})
		},
	},
	{
		// Calls to DingTalk leave through an outbox written with the change
		// that causes them; cards sent are remembered to update them later.
		ID: "202611230008_outbox_and_cards",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m8Outbox{}, &m8Card{})
		},
	},
	{
		// The general ledger: the 小企业会计准则 chart (66 first-level accounts
		// and a trading company's sub-accounts), vouchers, the templates that
		// turn postings into vouchers, and accounting periods. The seed is the
		// chart as of this migration; later additions need their own.
		ID: "202611230009_ledger",
		Migrate: func(db *gorm.DB) error {
			if err := db.AutoMigrate(&m9Account{}, &m9Voucher{}, &m9VoucherLine{}, &m9VoucherTemplate{}, &m9Period{}); err != nil {
				return err
			}
			now := db.NowFunc()
			ids := map[string]int64{}
			for _, e := range domain.StandardChart {
				a := m9Account{Code: e.Code, Name: e.Name, Category: e.Category, Normal: e.Normal, Level: (len(e.Code)-4)/2 + 1,
					System: true, Status: domain.StatusActive, Version: 1, CreatedAt: now, UpdatedAt: now}
				if len(e.Code) > 4 {
					pid := ids[e.Code[:len(e.Code)-2]]
					a.ParentID = &pid
				}
				if err := db.Where("code = ?", e.Code).FirstOrCreate(&a).Error; err != nil {
					return err
				}
				ids[e.Code] = a.ID
			}
			for _, t := range domain.StandardTemplates() {
				b, err := json.Marshal(t.Lines)
				if err != nil {
					return err
				}
				row := m9VoucherTemplate{Event: t.Event, Name: t.Name, Lines: string(b), Version: 1, UpdatedAt: now}
				if err := db.Where("event = ?", t.Event).FirstOrCreate(&row).Error; err != nil {
					return err
				}
			}
			return db.Transaction(func(tx *gorm.DB) error { return backfillVouchers(tx, ids) })
		},
	},
	{
		// Receivables and payables: open items per partner, their
		// allocations, and money documents. Earlier receipts, shipments and
		// returns become open items (due by the partner's terms), settled
		// against each other oldest first.
		ID: "202611230010_receivables",
		Migrate: func(db *gorm.DB) error {
			if err := db.AutoMigrate(&m10OpenItem{}, &m10Allocation{}, &m10MoneyDoc{}); err != nil {
				return err
			}
			return db.Transaction(backfillOpenItems)
		},
	},
	{
		// Month-end closing keeps each closed month's stock (so reports on
		// closed months need not scan the moves).
		ID: "202611230011_period_stock",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m11PeriodStock{})
		},
	},
	{
		// Each account's debits and credits per month, kept with every
		// voucher, so statements read a few thousand totals instead of every
		// voucher line in history.
		ID: "202611230012_account_period_totals",
		Migrate: func(db *gorm.DB) error {
			if err := db.AutoMigrate(&m12PeriodTotal{}, &m12PartnerTotal{}); err != nil {
				return err
			}
			return RebuildPeriodTotals(db)
		},
	},
	{
		// Receipts and payments book through templates (收款, 付款, 预收冲应收,
		// 预付冲应付), their advances in 2203 预收账款 and 1123 预付账款; the
		// advances booked to 1122 and 2202 before move there.
		ID: "202611240013_money_templates",
		Migrate: func(db *gorm.DB) error {
			now := db.NowFunc()
			l := func(acct, side, amt, sum string) map[string]string {
				return map[string]string{"account": acct, "side": side, "amount": amt, "summary": sum}
			}
			for _, t := range []struct {
				event, name string
				lines       []map[string]string
			}{
				{"money_receipt", "收款", []map[string]string{l("1002", "debit", "money", "收款"), l("1122", "credit", "settled", "核销应收"), l("2203", "credit", "advance", "预收款")}},
				{"money_payment", "付款", []map[string]string{l("2202", "debit", "settled", "核销应付"), l("1123", "debit", "advance", "预付款"), l("1002", "credit", "money", "付款")}},
				{"advance_applied", "预收冲应收", []map[string]string{l("2203", "debit", "settled", "预收冲应收"), l("1122", "credit", "settled", "预收冲应收")}},
				{"prepayment_applied", "预付冲应付", []map[string]string{l("2202", "debit", "settled", "预付冲应付"), l("1123", "credit", "settled", "预付冲应付")}},
			} {
				b, err := json.Marshal(t.lines)
				if err != nil {
					return err
				}
				row := m9VoucherTemplate{Event: t.event, Name: t.name, Lines: string(b), Version: 1, UpdatedAt: now}
				if err := db.Where("event = ?", t.event).FirstOrCreate(&row).Error; err != nil {
					return err
				}
			}
			return db.Transaction(reclassAdvances)
		},
	},
	{
		// Invoices (销售开票, 采购收票), for firms whose receivables and
		// payables arise at the invoice (finance.bill_at = invoice): stock
		// documents await one, and four templates book both halves.
		ID: "202611240014_invoices",
		Migrate: func(db *gorm.DB) error {
			for _, col := range []string{"InvoiceStatus", "InvoiceID"} {
				if !db.Migrator().HasColumn(&m14StockDoc{}, col) {
					if err := db.Migrator().AddColumn(&m14StockDoc{}, col); err != nil {
						return err
					}
				}
			}
			// Waiting documents are found (and locked) by status and partner,
			// not through the type index every posting uses.
			if !db.Migrator().HasIndex(&m14StockDoc{}, "idx_sdoc_invoice") {
				if err := db.Exec("CREATE INDEX idx_sdoc_invoice ON stock_docs (invoice_status, partner_id)").Error; err != nil {
					return err
				}
			}
			if !db.Migrator().HasIndex(&m14StockDoc{}, "idx_sdoc_invoice_id") {
				if err := db.Exec("CREATE INDEX idx_sdoc_invoice_id ON stock_docs (invoice_id)").Error; err != nil {
					return err
				}
			}
			if err := db.AutoMigrate(&m14Invoice{}, &m14InvoiceLine{}); err != nil {
				return err
			}
			now := db.NowFunc()
			l := func(acct, side, amt, sum string) map[string]string {
				return map[string]string{"account": acct, "side": side, "amount": amt, "summary": sum}
			}
			for _, t := range []struct {
				event, name string
				lines       []map[string]string
			}{
				{"purchase_estimate", "采购入库（未到票暂估）", []map[string]string{l("1405", "debit", "stock", "库存商品"),
					l("5401", "debit", "variance", "入库成本差异"), l("2202", "credit", "amount", "暂估应付")}},
				{"sales_uninvoiced", "销售出库（未开票）", []map[string]string{l("1122", "debit", "amount", "应收账款（未开票）"),
					l("5001", "credit", "amount", "主营业务收入"), l("5401", "debit", "cost", "结转成本"), l("1405", "credit", "cost", "结转成本")}},
				{"purchase_invoice", "采购发票", []map[string]string{l("22210101", "debit", "tax", "进项税额"), l("2202", "credit", "tax", "应付账款")}},
				{"sales_invoice", "销售发票", []map[string]string{l("1122", "debit", "tax", "应收账款"), l("22210107", "credit", "tax", "销项税额")}},
			} {
				b, err := json.Marshal(t.lines)
				if err != nil {
					return err
				}
				row := m9VoucherTemplate{Event: t.event, Name: t.name, Lines: string(b), Version: 1, UpdatedAt: now}
				if err := db.Where("event = ?", t.event).FirstOrCreate(&row).Error; err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		// Two-step sign-in (两步验证) with an authenticator app.
		ID: "202611240015_totp",
		Migrate: func(db *gorm.DB) error {
			for _, col := range []string{"TOTPEnabled", "TOTPSecret", "TOTPLastStep"} {
				if !db.Migrator().HasColumn(&m15User{}, col) {
					if err := db.Migrator().AddColumn(&m15User{}, col); err != nil {
						return err
					}
				}
			}
			return nil
		},
	},
	{
		// A posting asks whether its partner has open credits (or debits)
		// before it settles: with the open amount in the index that is one
		// seek, not a scan of every item of a busy customer. The new index
		// covers the old one's columns, which goes.
		ID: "202611240016_open_item_sides",
		Migrate: func(db *gorm.DB) error {
			if !db.Migrator().HasIndex(&m16OpenItem{}, "idx_item_open") {
				if err := db.Migrator().CreateIndex(&m16OpenItem{}, "idx_item_open"); err != nil {
					return err
				}
			}
			if db.Migrator().HasIndex(&m10OpenItem{}, "idx_item_partner") {
				return db.Migrator().DropIndex(&m10OpenItem{}, "idx_item_partner")
			}
			return nil
		},
	},
	{
		// 业务日期: stock documents and their moves carry the business date
		// that decides their period. Existing rows get the Shanghai day they
		// were posted (drafts: created), which is what decided their period
		// until now.
		ID: "202612070100_dates_biz_date",
		Migrate: func(db *gorm.DB) error {
			type col struct {
				model any
				table string
				from  string
				index string
			}
			for _, c := range []col{
				{&m100StockDoc{}, "stock_docs", "posted_at", "idx_sdoc_biz"},
				{&m100Opening{}, "stock_openings", "COALESCE(posted_at, created_at)", ""},
				{&m100Transfer{}, "transfers", "COALESCE(posted_at, created_at)", "idx_transfer_biz"},
				{&m100Stocktake{}, "stocktakes", "COALESCE(posted_at, created_at)", "idx_stocktake_biz"},
				{&m100Move{}, "stock_moves", "posted_at", "idx_move_biz"},
			} {
				if !db.Migrator().HasColumn(c.model, "BizDate") {
					if err := db.Migrator().AddColumn(c.model, "BizDate"); err != nil {
						return err
					}
				}
				// Shanghai has kept UTC+8 without daylight saving since 1991.
				day := "strftime('%Y-%m-%d', " + c.from + ", '+8 hours')"
				if db.Dialector.Name() == "mysql" {
					day = "DATE_FORMAT(DATE_ADD(" + c.from + ", INTERVAL 8 HOUR), '%Y-%m-%d')"
				}
				if err := db.Exec("UPDATE " + c.table + " SET biz_date = " + day + " WHERE biz_date = ''").Error; err != nil {
					return err
				}
				if c.index != "" && !db.Migrator().HasIndex(c.model, c.index) {
					if err := db.Migrator().CreateIndex(c.model, c.index); err != nil {
						return err
					}
				}
			}
			return nil
		},
	},
	{
		// 现金流量表: every cash and bank voucher line carries its cash-flow
		// item (现金流量项目, the form's line number; 0 on other lines and on
		// transfers between cash accounts). Lines booked before get theirs
		// from their counter-account (backfillCashFlowItems).
		ID: "202612070200_cashflow_items",
		Migrate: func(db *gorm.DB) error {
			if !db.Migrator().HasColumn(&m200VoucherLine{}, "CashFlowItem") {
				if err := db.Migrator().AddColumn(&m200VoucherLine{}, "CashFlowItem"); err != nil {
					return err
				}
			}
			if !db.Migrator().HasIndex(&m200VoucherLine{}, "idx_vline_cashflow") {
				if err := db.Migrator().CreateIndex(&m200VoucherLine{}, "idx_vline_cashflow"); err != nil {
					return err
				}
			}
			return db.Transaction(backfillCashFlowItems)
		},
	},
	{
		// Voucher review (凭证审核): the reviewer and the time; a null
		// reviewer is an unreviewed voucher. Counting a month's unreviewed
		// vouchers uses the (period, seq) index.
		ID: "202612070300_review_voucher_review",
		Migrate: func(db *gorm.DB) error {
			for _, col := range []string{"ReviewedBy", "ReviewedAt"} {
				if !db.Migrator().HasColumn(&m300Voucher{}, col) {
					if err := db.Migrator().AddColumn(&m300Voucher{}, col); err != nil {
						return err
					}
				}
			}
			return nil
		},
	},
	{
		// Going live (期初): the accounts' openings, read by the statements
		// as totals before the start period (domain.OpeningTotals).
		ID: "202612070400_opening_balances",
		Migrate: func(db *gorm.DB) error {
			return db.AutoMigrate(&m400Opening{})
		},
	},
	{
		// Money in 分: the amounts earlier releases kept to four places
		// (move values, costs, generated vouchers) are rounded, the books
		// still agreeing with the stock and the open items
		// (migrateToCents). The columns keep their scale.
		ID: "202612070500_fen_money_in_cents",
		Migrate: func(db *gorm.DB) error {
			return db.Transaction(migrateToCents)
		},
	},
	{
		// One spelling per username (domain.CanonicalUsername): the lookup
		// collation and the sign-in throttle must not disagree on who an
		// attempt is for. Collisions keep the lowest id (canonicalUsernames).
		ID: "202612080100_canonical_usernames",
		Migrate: func(db *gorm.DB) error {
			return db.Transaction(canonicalUsernames)
		},
	},
	{
		// The token-signing key leaves the database for a 0600 file in the
		// data directory (moveAuthSecretOut), so a backup no longer carries
		// what signs an administrator's token.
		ID:      "202612080200_auth_secret_out_of_db",
		Migrate: moveAuthSecretOut,
	},
	{
		// Roles a boss can tailor (自定义角色): custom roles and the
		// built-in ones as templates (built_in, grants read from the code).
		ID: "202612080700_roles",
		Migrate: func(db *gorm.DB) error {
			if err := db.AutoMigrate(&m700Role{}); err != nil {
				return err
			}
			return db.Transaction(seedBuiltInRoles)
		},
	},
	{
		// Reorder levels per product × warehouse (补货参数) replace the one
		// safety stock per product, which applied to every warehouse,
		// including those that never carry the item. moveSafetyStock says
		// where each product's figure goes.
		ID: "202612081000_reorder_levels",
		Migrate: func(db *gorm.DB) error {
			if err := db.AutoMigrate(&m1000ReorderLevel{}); err != nil {
				return err
			}
			return moveSafetyStock(db)
		},
	},
	{
		// Delivery information (issue 22 part 6) and the dictionary in use
		// (part 10): shipments carry where and how the goods went, customers
		// keep several addresses, and money documents, partners and
		// shipments name dictionary entries (结算方式, 客户等级, 发货方式).
		ID: "202612081100_delivery_and_dict_refs",
		Migrate: func(db *gorm.DB) error {
			adds := []struct {
				model any
				cols  []string
				ref   string // the dictionary reference, indexed: deleting an entry looks it up
			}{
				{&m1100StockDoc{}, []string{"ShippingMethodID", "Carrier", "WaybillNo", "ShipAddress", "ShipContact", "ShipPhone"}, "ShippingMethodID"},
				{&m1100MoneyDoc{}, []string{"PaymentMethodID"}, "PaymentMethodID"},
				{&m1100Partner{}, []string{"LevelID"}, "LevelID"},
			}
			for _, a := range adds {
				for _, col := range a.cols {
					if !db.Migrator().HasColumn(a.model, col) {
						if err := db.Migrator().AddColumn(a.model, col); err != nil {
							return err
						}
					}
				}
				if !db.Migrator().HasIndex(a.model, a.ref) {
					if err := db.Migrator().CreateIndex(a.model, a.ref); err != nil {
						return err
					}
				}
			}
			return db.AutoMigrate(&m1100PartnerAddress{})
		},
	},
}

// m1000ReorderLevel is a product's reorder level in a warehouse; a product
// without one there is not carried there.
type m1000ReorderLevel struct {
	ProductID    int64           `gorm:"primaryKey;autoIncrement:false"`
	WarehouseID  int64           `gorm:"primaryKey;autoIncrement:false;index"`
	SafetyStock  decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ReorderPoint decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	ReorderQty   decimal.Decimal `gorm:"type:decimal(20,4);not null"`
	UpdatedAt    time.Time       `gorm:"not null"`
}

func (m1000ReorderLevel) TableName() string { return "reorder_levels" }

// moveSafetyStock turns each product's safety stock into levels in the
// warehouses that carry it: those where it has a balance or a move (stock
// now or ever). A product with a safety stock that has never been stocked
// anywhere gets it in the first active warehouse, so the figure is not lost
// and shows where to set it; the column then goes, so nothing reads the
// old, warehouse-blind figure again. Run twice, it finds no column and
// does nothing.
func moveSafetyStock(db *gorm.DB) error {
	if !db.Migrator().HasColumn("products", "safety_stock") {
		return nil
	}
	return db.Transaction(func(tx *gorm.DB) error {
		now := tx.NowFunc()
		carried := `INSERT INTO reorder_levels (product_id, warehouse_id, safety_stock, reorder_point, reorder_qty, updated_at)
			SELECT p.id, w.id, p.safety_stock, 0, 0, ? FROM products p CROSS JOIN warehouses w
			WHERE p.safety_stock > 0 AND (
				EXISTS (SELECT 1 FROM stock_balances b WHERE b.product_id = p.id AND b.warehouse_id = w.id) OR
				EXISTS (SELECT 1 FROM stock_moves m WHERE m.product_id = p.id AND m.warehouse_id = w.id))`
		if err := tx.Exec(carried, now).Error; err != nil {
			return err
		}
		never := `INSERT INTO reorder_levels (product_id, warehouse_id, safety_stock, reorder_point, reorder_qty, updated_at)
			SELECT p.id, (SELECT MIN(w.id) FROM warehouses w WHERE w.deleted_at IS NULL AND w.status = 'active'), p.safety_stock, 0, 0, ?
			FROM products p WHERE p.safety_stock > 0
			AND NOT EXISTS (SELECT 1 FROM reorder_levels l WHERE l.product_id = p.id)
			AND EXISTS (SELECT 1 FROM warehouses w WHERE w.deleted_at IS NULL AND w.status = 'active')`
		if err := tx.Exec(never, now).Error; err != nil {
			return err
		}
		return tx.Exec("ALTER TABLE products DROP COLUMN safety_stock").Error
	})
}

// m1100StockDoc is a shipment's delivery information (发货信息).
type m1100StockDoc struct {
	ShippingMethodID *int64 `gorm:"index"`
	Carrier          string `gorm:"size:64;not null;default:''"`
	WaybillNo        string `gorm:"size:64;not null;default:''"`
	ShipAddress      string `gorm:"size:255;not null;default:''"`
	ShipContact      string `gorm:"size:64;not null;default:''"`
	ShipPhone        string `gorm:"size:32;not null;default:''"`
}

func (m1100StockDoc) TableName() string { return "stock_docs" }

// m1100MoneyDoc names a receipt's or payment's 结算方式.
type m1100MoneyDoc struct {
	PaymentMethodID *int64 `gorm:"index"`
}

func (m1100MoneyDoc) TableName() string { return "money_docs" }

// m1100Partner names a customer's 客户等级.
type m1100Partner struct {
	LevelID *int64 `gorm:"index"`
}

func (m1100Partner) TableName() string { return "partners" }

// m1100PartnerAddress is one of a customer's delivery addresses (收货地址).
type m1100PartnerAddress struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	PartnerID int64  `gorm:"not null;index"`
	Address   string `gorm:"size:255;not null"`
	Contact   string `gorm:"size:64;not null"`
	Phone     string `gorm:"size:32;not null"`
	IsDefault bool   `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m1100PartnerAddress) TableName() string { return "partner_addresses" }

// m400Opening is an account's opening (科目期初余额) at go-live: its balance
// at the start of the start period (a setting) and its movement earlier in
// that year. Amounts are in 分.
type m400Opening struct {
	AccountID int64           `gorm:"primaryKey"`
	Debit     decimal.Decimal `gorm:"type:decimal(20,2);not null"`
	Credit    decimal.Decimal `gorm:"type:decimal(20,2);not null"`
	YTDDebit  decimal.Decimal `gorm:"column:ytd_debit;type:decimal(20,2);not null"`
	YTDCredit decimal.Decimal `gorm:"column:ytd_credit;type:decimal(20,2);not null"`
	UpdatedBy int64           `gorm:"not null"`
	UpdatedAt time.Time       `gorm:"not null"`
}

func (m400Opening) TableName() string { return "opening_balances" }

// m200VoucherLine is voucher_lines with its cash-flow item.
type m200VoucherLine struct {
	ID           int64  `gorm:"primaryKey;autoIncrement"`
	Period       string `gorm:"size:7;not null;index:idx_vline_cashflow,priority:2"`
	CashFlowItem int    `gorm:"not null;default:0;index:idx_vline_cashflow,priority:1"`
}

func (m200VoucherLine) TableName() string { return "voucher_lines" }

func migrator(db *gorm.DB) *gormigrate.Gormigrate {
	return gormigrate.New(db, &gormigrate.Options{TableName: "schema_migrations", IDColumnName: "id", IDColumnSize: 64, UseTransaction: false}, Migrations)
}

// Migrate brings the schema to the newest version.
func (s *Store) Migrate(ctx context.Context) error {
	if err := migrator(s.db.WithContext(withSecretFile(ctx, s.secretFile))).Migrate(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrateTo brings the schema to the version with id, for upgrade tests.
func (s *Store) MigrateTo(ctx context.Context, id string) error {
	if err := migrator(s.db.WithContext(withSecretFile(ctx, s.secretFile))).MigrateTo(id); err != nil {
		return fmt.Errorf("store: migrate to %s: %w", id, err)
	}
	return nil
}

// MigrateLocked migrates under a server-wide lock on MySQL, so several erpd
// processes starting together migrate once.
func (s *Store) MigrateLocked(ctx context.Context) error {
	if s.driver != DriverMySQL {
		return s.Migrate(ctx)
	}
	conn, err := s.db.DB()
	if err != nil {
		return err
	}
	c, err := conn.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate lock: %w", err)
	}
	defer c.Close()
	var got int
	if err := c.QueryRowContext(ctx, "SELECT GET_LOCK('erpd_migrate', 120)").Scan(&got); err != nil || got != 1 {
		return fmt.Errorf("store: could not take the migration lock: %v", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('erpd_migrate')")
	return s.Migrate(ctx)
}
