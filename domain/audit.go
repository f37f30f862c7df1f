package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// CodeName pairs a code with its name for people, for pick lists.
type CodeName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// auditActions names what an audit entry records, in the order the audit
// log's filter lists them.
var auditActions = []CodeName{
	{"create", "新建"}, {"update", "修改"}, {"delete", "删除"},
	{"submit", "提交审批"}, {"approve", "审批同意"}, {"reject", "审批拒绝"}, {"withdraw", "撤回审批"},
	{"decision_refused", "审批结果未生效"}, {"confirm", "确认"}, {"order", "转采购订单"},
	{"post", "过账"}, {"cancel", "作废"}, {"close", "关闭"}, {"reopen", "重新打开"},
	{"review", "审核"}, {"unreview", "取消审核"}, {"reverse", "红字冲销"},
	{"login", "登录"}, {"logout", "退出登录"}, {"change_password", "修改密码"},
	{"totp_enable", "开启两步验证"}, {"totp_disable", "关闭两步验证"},
	{"org_sync", "同步组织架构"}, {"directory_event", "通讯录变更"}, {"retry", "重新发送"}, {"set", "设置"},
}

// auditEntities names what an audit entry is about besides the documents
// (whose names are DocName's), in the order the filter lists them.
var auditEntities = []CodeName{
	{"product", "商品"}, {"partner", "往来单位"}, {"warehouse", "仓库"}, {"unit", "计量单位"},
	{"category", "商品分类"}, {"dict_entry", "字典条目"}, {"approval_rule", "审批规则"},
	{"account", "会计科目"}, {"voucher", "凭证"}, {"voucher_template", "凭证模板"}, {"period", "会计期间"},
	{"finance_settings", "财务设置"}, {"opening_balances", "科目期初余额"}, {"opening_items", "期初往来"},
	{"user", "用户"}, {"role", "角色"}, {"org", "组织架构"}, {"outbox", "钉钉消息"},
	{"reorder_level", "补货参数"}, {"partner_address", "收货地址"},
}

// auditDocs are the documents in the audit log's filter, after the master
// data: the order a clerk meets them in a day.
var auditDocs = []string{
	DocPurchaseOrder, DocPurchaseReceipt, DocPurchaseReturn, DocRequisition,
	DocSalesOrder, DocSalesShipment, DocSalesReturn,
	DocOpening, DocTransfer, DocStocktake,
	DocMoneyReceipt, DocMoneyPayment, DocSalesInvoice, DocPurchaseInvoice,
}

// AuditActions lists the actions of the audit log with their names.
func AuditActions() []CodeName { return append([]CodeName(nil), auditActions...) }

// AuditEntities lists what the audit log is about with its names: the
// master data and settings, then the documents.
func AuditEntities() []CodeName {
	out := append([]CodeName(nil), auditEntities...)
	for _, d := range auditDocs {
		out = append(out, CodeName{d, DocName(d)})
	}
	return out
}

// AuditActionName is an action's name for people; an action not named
// here is shown as it is rather than hidden.
func AuditActionName(action string) string {
	for _, a := range auditActions {
		if a.Code == action {
			return a.Name
		}
	}
	return action
}

// auditActionFor names an action where a subject has its own word for it:
// a period is closed by 结账, not 关闭.
var auditActionFor = map[string]map[string]string{
	"period": {"close": "结账", "reopen": "反结账"},
}

// AuditActionNameFor is an action's name for people on a subject.
func AuditActionNameFor(entity, action string) string {
	if n, ok := auditActionFor[entity][action]; ok {
		return n
	}
	return AuditActionName(action)
}

// AuditEntityName is the name for people of what an entry is about.
func AuditEntityName(entity string) string {
	for _, e := range auditEntities {
		if e.Code == entity {
			return e.Name
		}
	}
	if n := DocName(entity); n != "单据" {
		return n
	}
	return entity
}

// AuditChange is one field an update changed, before → after.
type AuditChange struct {
	Field  string `json:"field"` // the JSON path, lines[0].qty
	Label  string `json:"label"` // its name for people, 明细第 1 行·数量
	Before string `json:"before"`
	After  string `json:"after"`
}

// auditFieldNames are the names of the fields that master data and
// documents carry; a field not named here shows its JSON name.
var auditFieldNames = map[string]string{
	"name": "名称", "code": "编码", "sku": "商品编码", "barcode": "条码", "spec": "规格", "unit_id": "单位",
	"category_id": "分类", "tax_rate": "税率", "safety_stock": "安全库存", "allow_negative": "允许负库存",
	"batch_tracked": "批次管理", "status": "状态", "enabled": "启用", "type": "类型", "contact": "联系人",
	"phone": "电话", "address": "地址", "credit_limit": "信用额度", "payment_terms_days": "账期（天）",
	"label": "名称", "sort": "排序", "parent_id": "上级", "partner_id": "往来单位", "warehouse_id": "仓库",
	"from_warehouse_id": "调出仓库", "to_warehouse_id": "调入仓库", "product_id": "商品", "qty": "数量",
	"unit_price": "单价", "discount_rate": "折扣率", "amount": "金额", "tax_amount": "税额", "total": "价税合计",
	"tax": "税额", "remark": "备注", "order_date": "订单日期", "biz_date": "业务日期", "expected_date": "预计交货日期",
	"due_date": "到期日", "date": "日期", "lines": "明细", "allocations": "核销", "batch": "批次", "expiry": "有效期至",
	"unit_cost": "单位成本", "cost_amount": "成本", "counted_qty": "实盘数量", "book_qty": "账面数量",
	"diff_qty": "盈亏数量", "account_id": "科目", "debit_item_id": "借方科目", "credit_item_id": "贷方科目",
	"username": "用户名", "roles": "角色", "role": "角色", "email": "邮箱", "mobile": "手机", "title": "职务",
	"department_id": "部门", "data_scope": "数据范围", "job_number": "工号", "permissions": "权限",
	"min_amount": "金额下限", "doc_type": "单据类型", "number": "单号", "period": "期间", "invoice_no": "发票号",
	"comment": "意见", "company_name": "编制单位", "review_required": "结账须全部审核", "bill_at": "应收应付确认时点", "debit": "借方", "credit": "贷方",
	"summary": "摘要", "cash_flow": "现金流量项目", "cash_flow_item": "现金流量项目",
}

// auditSkip are the fields a diff leaves out: bookkeeping of the row
// itself, not what the user changed.
var auditSkip = map[string]bool{
	"id": true, "version": true, "created_at": true, "updated_at": true, "created_by": true,
	"updated_by": true, "deleted_at": true, "last_login_at": true, "synced_at": true,
}

var auditIndex = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// AuditFieldLabel names a diff's field path for people: lines[0].qty is
// 明细第 1 行·数量.
func AuditFieldLabel(path string) string {
	parts := strings.Split(path, ".")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if m := auditIndex.FindStringSubmatch(p); m != nil {
			n, _ := strconv.Atoi(m[2])
			out = append(out, fmt.Sprintf("%s第 %d 行", fieldName(m[1]), n+1))
			continue
		}
		out = append(out, fieldName(p))
	}
	return strings.Join(out, "·")
}

func fieldName(k string) string {
	if n, ok := auditFieldNames[k]; ok {
		return n
	}
	return k
}

// AuditDiff compares an update's record before and after (the JSON the
// audit log holds) field by field, nested lines included, and lists what
// changed in path order. It is empty unless both sides are JSON objects:
// a creation or a deletion has nothing to compare.
func AuditDiff(before, after string) []AuditChange {
	b, okB := flattenJSON(before)
	a, okA := flattenJSON(after)
	if !okB || !okA {
		return nil
	}
	keys := make([]string, 0, len(a)+len(b))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []AuditChange
	for _, k := range keys {
		if b[k] == a[k] {
			continue
		}
		c := AuditChange{Field: k, Label: AuditFieldLabel(k), Before: b[k], After: a[k]}
		if last := k[strings.LastIndex(k, ".")+1:]; last == "status" {
			c.Before, c.After = statusText(c.Before), statusText(c.After)
		}
		out = append(out, c)
	}
	return out
}

func statusText(s string) string {
	switch s {
	case "":
		return ""
	case "active":
		return "启用"
	case "inactive", "disabled":
		return "停用"
	}
	return StatusName(s)
}

// flattenJSON turns a JSON object into its leaves by path (lines[0].qty),
// each as text: numbers as written (no float rounding), true/false as 是/否.
func flattenJSON(s string) (map[string]string, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, false
	}
	out := map[string]string{}
	flatten("", v, out)
	return out, true
}

func flatten(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if auditSkip[k] {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		if len(x) > 0 {
			if _, scalar := x[0].(map[string]any); !scalar {
				// A list of values (roles, permissions) is one field.
				parts := make([]string, len(x))
				for i, e := range x {
					parts[i] = leaf(e)
				}
				out[path] = strings.Join(parts, "、")
				return
			}
		}
		for i, e := range x {
			flatten(fmt.Sprintf("%s[%d]", path, i), e, out)
		}
	default:
		out[path] = leaf(x)
	}
}

func leaf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "是"
		}
		return "否"
	case json.Number:
		return x.String()
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}
