package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"
)

// op documents one endpoint for GET /api/v1/openapi.json. The schemas come
// from the Go types the handlers bind and answer with, by reflection, so
// they follow the code; TestOpenAPICoversEveryRoute fails when a route has
// no op (or an op no route).
type op struct {
	method, path string // gin's path, under /api/v1
	tag, summary string
	query        []string          // query parameters
	body         any               // request body (nil: none)
	multipart    bool              // body is a multipart form with a file
	resp         any               // success body (nil: no content)
	status       int               // success status; 200 when zero
	public       bool              // no token needed
	file         bool              // answers a file (CSV or XLSX) rather than JSON
	errors       map[string]string // further error statuses this one answers, by status
}

var (
	listQ   = []string{"page", "page_size", "q", "sort"}
	exportQ = []string{"format"} // json (default), csv or xlsx
)

func q(sets ...[]string) []string {
	var out []string
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}

// apiOps lists every endpoint of /api/v1.
func apiOps() []op {
	ops := []op{
		{method: "POST", path: "/auth/login", tag: "认证", summary: "用户名密码登录；角色要求两步验证而未开启者得到仅能绑定的令牌（totp_enrolment_required）", body: loginBody{}, resp: sessionBody{}, public: true},
		{method: "POST", path: "/auth/dingtalk", tag: "认证", summary: "钉钉免登：用 requestAuthCode 得到的 code 换令牌", body: dingTalkLoginBody{}, resp: sessionBody{}, public: true},
		{method: "GET", path: "/auth/dingtalk/qr", tag: "认证", summary: "钉钉扫码登录：取得跳转地址与 state（回调页 " + app.WebLoginPath + "）", resp: app.WebLoginStart{}, public: true,
			errors: map[string]string{
				"429": fmt.Sprintf("同一地址每分钟最多发起 %d 次（too_many_requests）", app.WebLoginStartLimit),
				"503": "未配置 http.public_url，不按请求的 Host 拼回跳地址（public_url_required；演示模式除外）"}},
		{method: "POST", path: "/auth/dingtalk/qr", tag: "认证", summary: "钉钉扫码登录：用回调带回的 authCode 与 state 换令牌；已开启两步验证者答 totp_required（details.totp_ticket），再以 totp_ticket 与 totp_code 提交", body: webLoginBody{}, resp: sessionBody{}, public: true},
		{method: "POST", path: "/auth/logout", tag: "认证", summary: "退出登录（令牌作废）", status: http.StatusNoContent},
		{method: "GET", path: "/openapi.json", tag: "认证", summary: "本接口文档（OpenAPI 3.0）", resp: map[string]any{}, public: true},
		{method: "GET", path: "/me", tag: "认证", summary: "当前用户及其权限", resp: meBody{}},
		{method: "GET", path: "/dashboard", tag: "工作台", summary: "工作台：今日销售与采购、库存金额、低库存、待审批、近 30 天销售（按权限与数据范围）", resp: app.Dashboard{}},
		{method: "POST", path: "/me/password", tag: "认证", summary: "修改自己的密码", body: passwordBody{}, status: http.StatusNoContent},
		{method: "POST", path: "/me/totp/setup", tag: "认证", summary: "两步验证：生成身份验证器密钥（确认前不生效）", resp: app.TOTPSetup{}},
		{method: "POST", path: "/me/totp/enable", tag: "认证", summary: "两步验证：用一个验证码确认并开启；结束本人其他所有会话，返回本会话的新令牌", body: totpCodeBody{}, resp: sessionBody{}},
		{method: "POST", path: "/me/totp/disable", tag: "认证", summary: "两步验证：凭密码关闭", body: passwordOnlyBody{}, status: http.StatusNoContent},
		{method: "POST", path: "/users/:id/totp/disable", tag: "组织", summary: "管理员为丢失手机的用户关闭两步验证", status: http.StatusNoContent},

		{method: "GET", path: "/roles", tag: "组织", summary: "角色及其权限（内置角色为模板），以及可勾选的全部权限", resp: app.RoleList{}},
		{method: "POST", path: "/roles", tag: "组织", summary: "新建自定义角色（可从模板角色复制权限）", body: app.RoleInput{}, resp: domain.RoleInfo{}, status: http.StatusCreated},
		{method: "PUT", path: "/roles/:code", tag: "组织", summary: "修改自定义角色的名称与权限", body: app.RoleInput{}, resp: domain.RoleInfo{}},
		{method: "DELETE", path: "/roles/:code", tag: "组织", summary: "删除无人使用的自定义角色", status: http.StatusNoContent},
		{method: "GET", path: "/users", tag: "组织", summary: "用户列表", query: q(listQ, []string{"status"}), resp: app.List[*domain.User]{}},
		{method: "POST", path: "/users", tag: "组织", summary: "新建用户", body: app.UserInput{}, resp: domain.User{}, status: http.StatusCreated},
		{method: "GET", path: "/users/:id", tag: "组织", summary: "用户详情", resp: domain.User{}},
		{method: "PUT", path: "/users/:id", tag: "组织", summary: "修改用户（角色、数据范围、停用）", body: app.UserInput{}, resp: domain.User{}},
		{method: "GET", path: "/departments", tag: "组织", summary: "部门（钉钉通讯录镜像）", query: q(listQ, []string{"status"}), resp: app.List[domain.Department]{}},
		{method: "POST", path: "/org/sync", tag: "组织", summary: "立即从钉钉同步通讯录", resp: app.SyncResult{}},
		{method: "GET", path: "/audit-logs", tag: "组织", summary: "审计日志：动作与对象的中文名（action_name、entity_name）、单号或编码名称（ref），修改时逐字段的前后对比（changes）", query: q(listQ, []string{"entity", "entity_id", "actor_id", "action", "from", "to"}), resp: app.List[app.AuditView]{}},
		{method: "GET", path: "/audit-logs/names", tag: "组织", summary: "审计日志筛选用的动作与对象（代码和中文名）", resp: app.AuditNames{}},
		{method: "GET", path: "/dingtalk/outbox", tag: "钉钉", summary: "发往钉钉的消息（待发、失败）", query: q(listQ, []string{"status"}), resp: app.List[store.OutboxMessage]{}},
		{method: "GET", path: "/dingtalk/h5", tag: "钉钉", summary: "H5 微应用启动信息：是否连接钉钉、corpId、agentId、clientId（免登用）", resp: app.H5Info{}, public: true},
		{method: "GET", path: "/dingtalk/jsapi-config", tag: "钉钉", summary: "为 H5 页面签名 dd.config（url 为 location.href 去掉 # 之后的部分）", query: []string{"url"}, resp: app.JSAPIConfig{}},
		{method: "POST", path: "/dingtalk/outbox/:id/retry", tag: "钉钉", summary: "重发一条失败的消息", resp: store.OutboxMessage{}},

		{method: "GET", path: "/dictionaries/:type/entries", tag: "基础资料", summary: "数据字典条目", query: listQ, resp: app.List[domain.DictEntry]{}},
		{method: "POST", path: "/dictionaries/:type/entries", tag: "基础资料", summary: "新增字典条目", body: app.DictEntryInput{}, resp: domain.DictEntry{}, status: http.StatusCreated},
		{method: "GET", path: "/dictionaries/:type/entries/:id", tag: "基础资料", summary: "字典条目", resp: domain.DictEntry{}},
		{method: "PUT", path: "/dictionaries/:type/entries/:id", tag: "基础资料", summary: "修改字典条目", body: app.DictEntryInput{}, resp: domain.DictEntry{}},
		{method: "DELETE", path: "/dictionaries/:type/entries/:id", tag: "基础资料", summary: "删除字典条目", status: http.StatusNoContent},

		{method: "GET", path: "/stock", tag: "库存", summary: "库存余额（在库、预留、可用、成本）；sku 按编码或条码精确匹配，q 另可按名称模糊搜索；没有 cost:read 时不含 avg_cost、value", query: q(listQ, exportQ, []string{"product_id", "sku", "warehouse_id", "category_id", "batch", "non_zero"}), resp: app.List[store.BalanceView]{}},
		{method: "GET", path: "/stock/moves", tag: "库存", summary: "库存流水（from/to 按业务日期筛选，按过账先后排列）", query: q(listQ, exportQ, []string{"product_id", "warehouse_id", "doc_type", "doc_id", "batch", "from", "to"}), resp: app.List[domain.Move]{}},
		{method: "POST", path: "/stock/opening", tag: "库存", summary: "期初库存", body: app.OpeningInput{}, resp: domain.Opening{}, status: http.StatusCreated},
		{method: "GET", path: "/stock/openings/:id", tag: "库存", summary: "期初单", resp: domain.Opening{}},

		{method: "GET", path: "/approvals", tag: "审批", summary: "审批（我的待办）", query: q(listQ, []string{"status"}), resp: app.List[app.ApprovalView]{}},
		{method: "GET", path: "/approvals/:id", tag: "审批", summary: "审批详情（含申请人、审批人姓名）", resp: app.ApprovalView{}},
		{method: "POST", path: "/approvals/:id/approve", tag: "审批", summary: "同意", body: decisionBody{}, resp: domain.Approval{}},
		{method: "POST", path: "/approvals/:id/reject", tag: "审批", summary: "拒绝", body: decisionBody{}, resp: domain.Approval{}},

		{method: "GET", path: "/reports/:name", tag: "报表", summary: "报表：inventory-balance, stock-ledger, purchase-summary, sales-detail, gross-profit, slow-moving, low-stock (低库存表: items below their warehouse's reorder level, with the suggestion), ar-aging, ap-aging, partner-statement, trial-balance, general-ledger, account-detail, income-statement, balance-sheet, cash-flow (现金流量表 会小企03表: period=yyyy-mm, 本年累计金额 col1 and 本月金额 col2; heading rows have no line)…; stock-ledger, purchase-summary, sales-detail and gross-profit count only the documents in the caller's data scope, named in scope (and, exported, in the file name and X-Data-Scope); without cost:read the cost columns (成本、结存金额、毛利…) are absent and gross-profit is 403; purchase-summary and gross-profit take group_by=product (default), partner (aliases supplier, customer) or month",
			query: q(listQ, exportQ, []string{"from", "to", "as_of", "period", "warehouse_id", "category_id", "product_id", "partner_id", "account_id", "group_by", "days"}), resp: app.Report{}},
		{method: "GET", path: "/imports/:kind/template", tag: "导入", summary: "导入模板（xlsx 或 csv）", query: []string{"format"}, file: true},
		{method: "POST", path: "/imports/:kind", tag: "导入", summary: "导入 products、partners、opening…：整批成功或逐行报错", query: []string{"dry_run"}, multipart: true, resp: app.ImportResult{}},

		{method: "GET", path: "/purchase-requisitions", tag: "采购", summary: "请购单", query: q(listQ, []string{"status", "source", "warehouse_id"}), resp: app.List[domain.Requisition]{}},
		{method: "POST", path: "/purchase-requisitions", tag: "采购", summary: "新建请购单", body: app.RequisitionInput{}, resp: domain.Requisition{}, status: http.StatusCreated},
		{method: "GET", path: "/purchase-requisitions/:id", tag: "采购", summary: "请购单详情", resp: domain.Requisition{}},
		{method: "PUT", path: "/purchase-requisitions/:id", tag: "采购", summary: "修改请购单", body: app.RequisitionInput{}, resp: domain.Requisition{}},
		{method: "POST", path: "/purchase-requisitions/:id/cancel", tag: "采购", summary: "取消请购单", resp: domain.Requisition{}},
		{method: "POST", path: "/purchase-requisitions/:id/order", tag: "采购", summary: "请购转采购订单", body: app.RequisitionOrderInput{}, resp: domain.Order{}, status: http.StatusCreated},
		{method: "GET", path: "/reorder-suggestions", tag: "采购", summary: "补货建议（低于仓库补货参数）", query: q(listQ, []string{"warehouse_id"}), resp: app.List[store.ReorderSuggestion]{}},
		{method: "GET", path: "/reorder-levels", tag: "库存", summary: "补货参数（按仓库或按商品，二选一）", query: q(listQ, []string{"warehouse_id", "product_id"}), resp: app.List[store.ReorderLevelRow]{}},
		{method: "PUT", path: "/reorder-levels", tag: "库存", summary: "批量设置补货参数（三项为 0 即该仓库不再备货）", body: app.ReorderLevelsInput{}, resp: app.ReorderLevelsResult{}},
		{method: "POST", path: "/reorder-check", tag: "采购", summary: "立即按补货参数检查全部仓库", resp: app.ReorderCheckResult{}},

		{method: "GET", path: "/accounts", tag: "财务", summary: "会计科目表", query: listQ, resp: app.List[domain.Account]{}},
		{method: "POST", path: "/accounts", tag: "财务", summary: "新增明细科目", body: app.AccountInput{}, resp: domain.Account{}, status: http.StatusCreated},
		{method: "PUT", path: "/accounts/:id", tag: "财务", summary: "改名或停用科目", body: app.AccountInput{}, resp: domain.Account{}},
		{method: "DELETE", path: "/accounts/:id", tag: "财务", summary: "删除未使用的明细科目", status: http.StatusNoContent},
		{method: "GET", path: "/vouchers", tag: "财务", summary: "记账凭证", query: q(listQ, []string{"period", "source", "source_id", "account_id", "review"}), resp: app.List[domain.Voucher]{}},
		{method: "POST", path: "/vouchers", tag: "财务", summary: "手工凭证（借贷必须平衡）", body: app.VoucherInput{}, resp: domain.Voucher{}, status: http.StatusCreated},
		{method: "GET", path: "/vouchers/:id", tag: "财务", summary: "凭证及分录", resp: domain.Voucher{}},
		{method: "POST", path: "/vouchers/:id/reverse", tag: "财务", summary: "红字冲销手工凭证（已审核的先取消审核）", body: reverseBody{}, resp: domain.Voucher{}, status: http.StatusCreated},
		{method: "POST", path: "/vouchers/:id/review", tag: "财务", summary: "审核凭证（审核人不能是制单人）", resp: domain.Voucher{}},
		{method: "POST", path: "/vouchers/:id/unreview", tag: "财务", summary: "取消审核（已结账月份不可）", resp: domain.Voucher{}},
		{method: "GET", path: "/finance-settings", tag: "财务", summary: "财务设置：编制单位、结账是否要求全部审核；bill_at（只读，来自配置）为应收应付的确认时点 shipment 或 invoice", resp: app.FinanceSettings{}},
		{method: "PUT", path: "/finance-settings", tag: "财务", summary: "保存财务设置（覆盖配置文件的 finance.company_name / review_required；version 不符时 409）", body: app.FinanceSettingsInput{}, resp: app.FinanceSettings{}},
		{method: "GET", path: "/periods", tag: "财务", summary: "会计期间", resp: itemsBody[store.PeriodInfo]{}},
		{method: "GET", path: "/periods/:period/checklist", tag: "财务", summary: "结账检查：本月草稿、待审批、负库存、增值税、账实核对；level=block 的项目阻止结账", resp: domain.Checklist{}},
		{method: "POST", path: "/periods/:period/close", tag: "财务", summary: "月末结账（yyyy-mm）：月末最后一天过后才能结账，提前结账须 force=true 并填写 reason（记入审计日志）；检查未通过返回 closing_blocked", body: app.CloseInput{}, resp: app.PeriodClose{}},
		{method: "POST", path: "/periods/:period/reopen", tag: "财务", summary: "反结账（管理员）", resp: store.PeriodInfo{}},
		{method: "GET", path: "/opening-balances", tag: "财务", summary: "科目期初余额（启用期间、期初与本年累计、年初余额、试算平衡）", resp: app.OpeningSheet{}},
		{method: "GET", path: "/opening-balances/check", tag: "财务", summary: "期初试算平衡", resp: domain.OpeningCheck{}},
		{method: "PUT", path: "/opening-balances", tag: "财务", summary: "保存科目期初余额（整表替换；启用期间结账后锁定；version 不符时 409）", body: app.OpeningBalancesInput{}, resp: app.OpeningSheet{}},
		{method: "GET", path: "/opening-items", tag: "财务", summary: "期初往来（期初应收、应付，及未核销金额；version 供保存时回传）", resp: app.OpeningItemList{}},
		{method: "PUT", path: "/opening-items", tag: "财务", summary: "保存期初往来（整表替换；已核销或启用期间结账后不能修改；version 不符时 409）", body: app.OpeningItemsInput{}, resp: app.OpeningItemList{}},
		{method: "GET", path: "/voucher-templates", tag: "财务", summary: "凭证模板", resp: itemsBody[domain.VoucherTemplate]{}},
		{method: "GET", path: "/cash-flow-items", tag: "财务", summary: "现金流量项目（现金流量表的行次，现金/银行科目的凭证行必填，账户间划转除外）", resp: itemsBody[domain.CashFlowItem]{}},
		{method: "PUT", path: "/voucher-templates/:event", tag: "财务", summary: "修改凭证模板", body: app.TemplateInput{}, resp: domain.VoucherTemplate{}},
		{method: "GET", path: "/open-items", tag: "财务", summary: "往来明细（应收、应付）", query: []string{"page", "page_size", "partner_id", "kind", "status"}, resp: app.List[domain.OpenItem]{}},
	}
	master := func(path, name string, typ, in any) {
		tag := "基础资料"
		if path == "/approval-rules" {
			tag = "审批"
		}
		ops = append(ops,
			op{method: "GET", path: path, tag: tag, summary: name + "列表", query: q(listQ, []string{"status"}), resp: listOf(typ)},
			op{method: "POST", path: path, tag: tag, summary: "新建" + name, body: in, resp: typ, status: http.StatusCreated},
			op{method: "GET", path: path + "/:id", tag: tag, summary: name + "详情", resp: typ},
			op{method: "PUT", path: path + "/:id", tag: tag, summary: "修改" + name + "（带 version）", body: in, resp: typ},
			op{method: "DELETE", path: path + "/:id", tag: tag, summary: "删除" + name + "（已被引用的只能停用）", status: http.StatusNoContent})
	}
	master("/units", "计量单位", domain.Unit{}, app.UnitInput{})
	master("/categories", "商品分类", domain.Category{}, app.CategoryInput{})
	master("/products", "商品", domain.Product{}, app.ProductInput{})
	master("/warehouses", "仓库", domain.Warehouse{}, app.WarehouseInput{})
	master("/partners", "往来单位", domain.Partner{}, app.PartnerInput{})
	ops = append(ops,
		op{method: "GET", path: "/partners/:id/addresses", tag: "基础资料", summary: "往来单位的收货地址（默认的在前）", resp: []domain.PartnerAddress{}},
		op{method: "POST", path: "/partners/:id/addresses", tag: "基础资料", summary: "新增收货地址（第一个即默认）", body: app.AddressInput{}, resp: domain.PartnerAddress{}, status: http.StatusCreated},
		op{method: "PUT", path: "/partners/:id/addresses/:aid", tag: "基础资料", summary: "修改收货地址（设为默认会取消其他默认）", body: app.AddressInput{}, resp: domain.PartnerAddress{}},
		op{method: "DELETE", path: "/partners/:id/addresses/:aid", tag: "基础资料", summary: "删除收货地址（已发货的单据保留其副本）", status: http.StatusNoContent})
	master("/approval-rules", "审批规则", domain.ApprovalRule{}, app.ApprovalRuleInput{})

	inventoryDoc := func(path, name string, typ, in any) {
		ops = append(ops,
			op{method: "GET", path: path, tag: "库存", summary: name + "列表", query: q(listQ, []string{"status", "number", "warehouse_id"}), resp: listOf(typ)},
			op{method: "POST", path: path, tag: "库存", summary: "新建" + name + "（草稿）", body: in, resp: typ, status: http.StatusCreated},
			op{method: "GET", path: path + "/:id", tag: "库存", summary: name + "详情", resp: typ},
			op{method: "PUT", path: path + "/:id", tag: "库存", summary: "修改草稿" + name, body: in, resp: typ},
			op{method: "POST", path: path + "/:id/post", tag: "库存", summary: "过账" + name, body: versionBody{}, resp: typ},
			op{method: "POST", path: path + "/:id/cancel", tag: "库存", summary: "作废草稿" + name, resp: typ})
	}
	inventoryDoc("/transfers", "调拨单", domain.Transfer{}, app.TransferInput{})
	inventoryDoc("/stocktakes", "盘点单", domain.Stocktake{}, app.StocktakeInput{})

	order := func(path, tag, name string) {
		ops = append(ops,
			op{method: "GET", path: path, tag: tag, summary: name + "列表", query: q(listQ, exportQ, []string{"status", "number", "partner_id", "warehouse_id", "from", "to"}), resp: app.List[store.OrderListItem]{}},
			op{method: "POST", path: path, tag: tag, summary: "新建" + name + "（草稿）", body: app.OrderInput{}, resp: domain.Order{}, status: http.StatusCreated},
			op{method: "GET", path: path + "/:id", tag: tag, summary: name + "详情（每行已收/已发、退货、未完成，关联单据，审批人与时间）", resp: app.OrderView{}},
			op{method: "PUT", path: path + "/:id", tag: tag, summary: "修改草稿" + name, body: app.OrderInput{}, resp: domain.Order{}},
			op{method: "POST", path: path + "/:id/submit", tag: tag, summary: "提交" + name + "（信用检查、审批）", body: versionBody{}, resp: domain.Order{}},
			op{method: "POST", path: path + "/:id/cancel", tag: tag, summary: "取消" + name, resp: domain.Order{}},
			op{method: "POST", path: path + "/:id/close", tag: tag, summary: "关闭" + name + "（不再入库/出库）", resp: domain.Order{}},
			op{method: "POST", path: path + "/:id/copy", tag: tag, summary: "复制" + name + "为新草稿（同往来单位、仓库和行，今天的日期）", resp: domain.Order{}, status: http.StatusCreated})
	}
	order("/purchase-orders", "采购", "采购订单")
	order("/sales-orders", "销售", "销售订单")
	stockDoc := func(path, tag, name string, body any) {
		ops = append(ops,
			op{method: "GET", path: path, tag: tag, summary: name + "列表", query: q(listQ, exportQ, []string{"number", "order_id", "partner_id", "warehouse_id", "from", "to"}), resp: app.List[store.StockDocListItem]{}},
			op{method: "POST", path: path, tag: tag, summary: "过账" + name, body: body, resp: domain.StockDoc{}, status: http.StatusCreated},
			op{method: "GET", path: path + "/:id", tag: tag, summary: name + "详情", resp: domain.StockDoc{}})
	}
	stockDoc("/purchase-receipts", "采购", "采购入库单", fulfilBody{})
	stockDoc("/purchase-returns", "采购", "采购退货单", returnBody{})
	stockDoc("/sales-shipments", "销售", "销售出库单（含发货信息）", shipmentBody{})
	stockDoc("/sales-returns", "销售", "销售退货单", returnBody{})

	money := func(path, name string) {
		ops = append(ops,
			op{method: "GET", path: path, tag: "财务", summary: name + "列表", query: q(listQ, []string{"partner_id"}), resp: app.List[domain.MoneyDoc]{}},
			op{method: "POST", path: path, tag: "财务", summary: name + "（核销指定待核销项，或按到期先后）", body: app.MoneyInput{}, resp: domain.MoneyDoc{}, status: http.StatusCreated},
			op{method: "GET", path: path + "/:id", tag: "财务", summary: name + "及其核销", resp: domain.MoneyDoc{}})
	}
	money("/receipts", "收款单")
	money("/payments", "付款单")
	invoice := func(path, name string) {
		ops = append(ops,
			op{method: "GET", path: path, tag: "财务", summary: name + "列表", query: q(listQ, []string{"partner_id"}), resp: app.List[domain.Invoice]{}},
			op{method: "GET", path: path + "/pending", tag: "财务", summary: "待开票/未到票的单据（finance.bill_at = invoice）", query: []string{"partner_id"}, resp: itemsBody[domain.StockDoc]{}},
			op{method: "POST", path: path, tag: "财务", summary: "登记" + name + "（整张单据；退货为红字）", body: app.InvoiceInput{}, resp: domain.Invoice{}, status: http.StatusCreated},
			op{method: "GET", path: path + "/:id", tag: "财务", summary: name + "详情", resp: domain.Invoice{}})
	}
	invoice("/sales-invoices", "销售发票")
	invoice("/purchase-invoices", "采购发票")
	return ops
}

// listOf is app.List of a master type, for the generic master routes.
func listOf(v any) any {
	switch v.(type) {
	case domain.Unit:
		return app.List[domain.Unit]{}
	case domain.Category:
		return app.List[domain.Category]{}
	case domain.Product:
		return app.List[domain.Product]{}
	case domain.Warehouse:
		return app.List[domain.Warehouse]{}
	case domain.Partner:
		return app.List[domain.Partner]{}
	case domain.ApprovalRule:
		return app.List[domain.ApprovalRule]{}
	case domain.Transfer:
		return app.List[domain.Transfer]{}
	case domain.Stocktake:
		return app.List[domain.Stocktake]{}
	}
	panic("openapi: no list type for " + reflect.TypeOf(v).String())
}

// decisionBody is an approval's comment (审批意见).
type decisionBody struct {
	Comment string `json:"comment"`
}

// reverseBody dates a reversal (today when empty).
type reverseBody struct {
	Date string `json:"date"`
}

var (
	specOnce sync.Once
	specJSON []byte
)

// openAPI serves the document, built once.
func (s *Server) openAPI(c *gin.Context) {
	specOnce.Do(func() {
		b, err := json.Marshal(buildSpec(apiOps()))
		if err != nil {
			panic(err)
		}
		specJSON = b
	})
	c.Data(http.StatusOK, "application/json; charset=utf-8", specJSON)
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// buildSpec renders the ops as an OpenAPI 3.0 document.
func buildSpec(ops []op) map[string]any {
	b := &schemas{byType: map[reflect.Type]string{}, defs: map[string]any{}}
	errRef := b.ref(reflect.TypeOf(errorBody{}))
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
	}
	paths := map[string]map[string]any{}
	for _, o := range ops {
		p := "/api/v1" + pathParam.ReplaceAllString(o.path, "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
			sch := map[string]any{"type": "string"}
			if m[1] == "id" {
				sch = map[string]any{"type": "integer", "format": "int64"}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": sch})
		}
		for _, name := range o.query {
			params = append(params, map[string]any{"name": name, "in": "query", "schema": queryParamSchema(name)})
		}
		status := o.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if o.resp != nil {
			content := map[string]any{"application/json": map[string]any{"schema": b.of(reflect.TypeOf(o.resp))}}
			if hasFormat(o.query) {
				content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
				content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			}
			ok["content"] = content
		}
		if o.file {
			ok["content"] = map[string]any{
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
				"text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		responses := map[string]any{
			strconv.Itoa(status): ok,
			"400":                errResp("请求格式错误（malformed_request）"),
			"500":                errResp("服务器内部错误"),
		}
		if !o.public {
			responses["401"] = errResp("未登录或令牌失效（unauthorized）")
			responses["403"] = errResp("没有权限（forbidden）")
		}
		if strings.Contains(o.path, ":") {
			responses["404"] = errResp("不存在（not_found）")
		}
		if o.body != nil {
			responses["415"] = errResp("请求体不是 JSON（unsupported_media_type：Content-Type 应为 application/json）")
		}
		if o.body != nil || o.multipart || len(o.query) > 0 {
			responses["422"] = errResp("输入有误（validation_failed 等，error.field 指出字段）")
		}
		if o.method != "GET" {
			responses["409"] = errResp("状态或版本冲突（invalid_state、version_conflict、duplicate、period_closed…）")
		}
		for status, desc := range o.errors {
			responses[status] = errResp(desc)
		}
		opObj := map[string]any{"tags": []string{o.tag}, "summary": o.summary, "operationId": operationID(o.method, o.path),
			"responses": responses}
		if len(params) > 0 {
			opObj["parameters"] = params
		}
		if o.public {
			opObj["security"] = []any{}
		}
		if o.body != nil {
			opObj["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": b.of(reflect.TypeOf(o.body))}}}
		}
		if o.multipart {
			opObj["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": map[string]any{"type": "object", "required": []string{"file"},
					"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}}}}}
		}
		paths[p][strings.ToLower(o.method)] = opObj
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "erpd API", "version": "1",
			"description": "钉钉原生进销存与财务。金额、数量为十进制字符串；时间为 UTC（RFC 3339），业务日期为 YYYY-MM-DD（Asia/Shanghai）。写操作可带 Idempotency-Key 头。"},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         b.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

func hasFormat(query []string) bool {
	for _, q := range query {
		if q == "format" {
			return true
		}
	}
	return false
}

func queryParamSchema(name string) map[string]any {
	switch {
	case name == "page" || name == "page_size" || name == "days":
		return map[string]any{"type": "integer", "minimum": 0}
	case strings.HasSuffix(name, "_id"):
		return map[string]any{"type": "integer", "format": "int64"}
	case name == "from" || name == "to" || name == "as_of":
		return map[string]any{"type": "string", "format": "date"}
	case name == "format":
		return map[string]any{"type": "string", "enum": []string{"json", "csv", "xlsx"}}
	case name == "dry_run" || name == "non_zero":
		return map[string]any{"type": "boolean"}
	}
	return map[string]any{"type": "string"}
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == '_' }) {
		if strings.HasPrefix(part, ":") {
			part = "by" + strings.TrimPrefix(part, ":")
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// schemas turns Go types into JSON schemas, named ones into components.
type schemas struct {
	byType map[reflect.Type]string
	defs   map[string]any
}

var (
	decimalType = reflect.TypeOf(decimal.Decimal{})
	timeType    = reflect.TypeOf(time.Time{})
	rawType     = reflect.TypeOf(json.RawMessage{})
	pkgPath     = regexp.MustCompile(`[\w./-]*\.`)
)

func (b *schemas) of(t reflect.Type) map[string]any {
	switch t {
	case decimalType:
		return map[string]any{"type": "string", "format": "decimal", "example": "12.50"}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := b.of(t.Elem())
		if _, ref := s["$ref"]; ref {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.Struct:
		if t.Name() == "" {
			return b.object(t)
		}
		return b.ref(t)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": b.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": b.of(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	}
	return map[string]any{}
}

// ref names a struct type once in the components and points at it.
func (b *schemas) ref(t reflect.Type) map[string]any {
	name, ok := b.byType[t]
	if !ok {
		name = schemaName(t)
		for taken := true; taken; {
			taken = false
			for other, n := range b.byType {
				if n == name && other != t {
					pkg := pkgName(t)
					name, taken = strings.ToUpper(pkg[:1])+pkg[1:]+name, true
					break
				}
			}
		}
		b.byType[t] = name
		b.defs[name] = map[string]any{} // a placeholder while recursive fields refer to it
		b.defs[name] = b.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schemaName is a type's name without package paths: List[*domain.User]
// becomes ListOfUser.
func schemaName(t reflect.Type) string {
	n := pkgPath.ReplaceAllString(t.Name(), "")
	n = strings.NewReplacer("[", "Of", "]", "", "*", "", ",", "And", " ", "").Replace(n)
	if n != "" && n[0] >= 'a' && n[0] <= 'z' {
		n = strings.ToUpper(n[:1]) + n[1:]
	}
	return n
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:]
}

func (b *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	b.fields(t, props)
	return map[string]any{"type": "object", "properties": props}
}

func (b *schemas) fields(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				b.fields(ft, props)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = b.of(f.Type)
	}
}
