package domain

import (
	"regexp"
	"strings"
	"time"
)

// Dictionary types documents name (数据字典 in use). Entries are referenced
// by id: a code may be renamed by the admin, the id stays.
const (
	DictPaymentMethod  = "payment_method"  // 结算方式, on receipts and payments
	DictCustomerLevel  = "customer_level"  // 客户等级, on partners
	DictShippingMethod = "shipping_method" // 发货方式, on shipments
)

// DictTypeName is a dictionary type's name in messages.
func DictTypeName(typ string) string {
	switch typ {
	case DictPaymentMethod:
		return "结算方式"
	case DictCustomerLevel:
		return "客户等级"
	case DictShippingMethod:
		return "发货方式"
	}
	return "字典项"
}

// CheckDictRef checks that a document may name entry e (nil: it does not
// exist) in field as a value of dictionary typ: it exists, belongs to typ
// and is enabled. Disabled entries stay on old documents but take no new
// ones, as inactive partners do.
func CheckDictRef(field, typ string, id int64, e *DictEntry) error {
	name := DictTypeName(typ)
	if e == nil {
		return Invalid(field, "%s %d 不存在", name, id)
	}
	if e.Type != typ {
		return Invalid(field, "「%s」不是%s", e.Label, name)
	}
	if !e.Enabled {
		return Invalid(field, "%s「%s」已停用", name, e.Label)
	}
	return nil
}

// phonePattern admits what people write as a phone number: digits with
// spaces, dashes, brackets and a leading +, and an extension after 转.
var phonePattern = regexp.MustCompile(`^\+?[0-9()\- ]+(转[0-9]{1,6})?$`)

// CheckPhone checks a contact phone (mobile 13800138000, landline
// 021-6888 8888, +86 …, 0571-8888888转123): empty, or 7 to 15 digits in
// a sane shape.
func CheckPhone(field, phone string) error {
	if phone == "" {
		return nil
	}
	digits := 0
	main, _, _ := strings.Cut(phone, "转")
	for _, r := range main {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if len(phone) > 32 || !phonePattern.MatchString(phone) || digits < 7 || digits > 15 {
		return Invalid(field, "电话格式不对：7 到 15 位数字，可含空格、-、括号和开头的 +")
	}
	return nil
}

var waybillPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9\-]{0,63}$`)

// Delivery is how and where a shipment's goods went (发货信息): the
// shipping method (a dictionary entry), the carrier and its waybill, and
// the receiving address with its contact. All optional: a customer who
// picks up (自提) has no waybill.
type Delivery struct {
	ShippingMethodID *int64 `json:"shipping_method_id"`
	Carrier          string `json:"carrier"`    // 承运商
	WaybillNo        string `json:"waybill_no"` // 运单号
	ShipAddress      string `json:"ship_address"`
	ShipContact      string `json:"ship_contact"`
	ShipPhone        string `json:"ship_phone"`
}

// Validate trims and checks the delivery fields.
func (d *Delivery) Validate() error {
	for _, s := range []*string{&d.Carrier, &d.WaybillNo, &d.ShipAddress, &d.ShipContact, &d.ShipPhone} {
		*s = strings.TrimSpace(*s)
	}
	if d.ShippingMethodID != nil && *d.ShippingMethodID <= 0 {
		d.ShippingMethodID = nil
	}
	if err := checkLen("carrier", d.Carrier, 64); err != nil {
		return err
	}
	if d.WaybillNo != "" && !waybillPattern.MatchString(d.WaybillNo) {
		return Invalid("waybill_no", "运单号只能包含字母、数字和 -，最长 64 位")
	}
	if err := checkLen("ship_address", d.ShipAddress, 255); err != nil {
		return err
	}
	if err := checkLen("ship_contact", d.ShipContact, 64); err != nil {
		return err
	}
	return CheckPhone("ship_phone", d.ShipPhone)
}

// Empty reports whether no address was given, so a default may fill it.
func (d Delivery) Empty() bool {
	return d.ShipAddress == "" && d.ShipContact == "" && d.ShipPhone == ""
}

// UseAddress copies a customer's address into the delivery (a snapshot:
// editing the address later leaves shipped documents as they were).
func (d *Delivery) UseAddress(a PartnerAddress) {
	d.ShipAddress, d.ShipContact, d.ShipPhone = a.Address, a.Contact, a.Phone
}

// PartnerAddress is one of a customer's delivery addresses (收货地址); at
// most one is the default, which shipments take when none is named.
type PartnerAddress struct {
	ID        int64     `json:"id"`
	PartnerID int64     `json:"partner_id"`
	Address   string    `json:"address"`
	Contact   string    `json:"contact"`
	Phone     string    `json:"phone"`
	IsDefault bool      `json:"is_default"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate trims and checks an address's own fields.
func (a *PartnerAddress) Validate() error {
	a.Address, a.Contact, a.Phone = strings.TrimSpace(a.Address), strings.TrimSpace(a.Contact), strings.TrimSpace(a.Phone)
	if a.Address == "" {
		return Invalid("address", "收货地址必填")
	}
	if err := checkLen("address", a.Address, 255); err != nil {
		return err
	}
	if err := checkLen("contact", a.Contact, 64); err != nil {
		return err
	}
	return CheckPhone("phone", a.Phone)
}

// DefaultAddress is the address a shipment takes when it names none: the
// one marked default, else the only one; nil when there is no single
// choice.
func DefaultAddress(as []PartnerAddress) *PartnerAddress {
	for i := range as {
		if as[i].IsDefault {
			return &as[i]
		}
	}
	if len(as) == 1 {
		return &as[0]
	}
	return nil
}
