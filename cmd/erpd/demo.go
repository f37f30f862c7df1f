package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// DemoPassword is the password of every demo user. It is printed at start
// and only ever used for the demo data directory.
const DemoPassword = "erpdemo2026"

// DemoCompanyName is the demo company, printed as the 编制单位 of its
// vouchers and statements.
const DemoCompanyName = "华东商贸有限公司"

func p[T any](v T) *T { return &v }

func dec(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }

// demoLevels are the demo customers' levels (客户等级 codes).
var demoLevels = map[string]string{"C001": "A", "C002": "B", "C003": "B", "C004": "C", "C005": "A", "C006": "C", "B001": "A"}

// demoDict is the id of a seeded dictionary entry.
func demoDict(ctx context.Context, a *app.App, typ, code string) (int64, error) {
	l, err := a.ListDict(ctx, typ, app.ListParams{PageSize: 100})
	if err != nil {
		return 0, err
	}
	for _, e := range l.Items {
		if e.Code == code {
			return e.ID, nil
		}
	}
	return 0, fmt.Errorf("demo: no dictionary entry %s/%s", typ, code)
}

// SeedDemo fills an empty database with a small trading company (华东商贸):
// three warehouses, staff in every role, suppliers, customers (graded, 联华
// with two delivery addresses), 36 products and their opening stock, and a
// posted transfer and stocktake; shipments carry carrier and waybill and
// money documents their 结算方式. It does nothing when products already
// exist, so restarting the demo keeps edits.
func SeedDemo(ctx context.Context, a *app.App, s *store.Store) error {
	if found, err := store.Exists(s.Read(ctx), "products", "1 = 1"); err != nil || found {
		return err
	}
	ctx = app.WithActor(ctx, app.System)
	cat := a.Catalog()

	for _, u := range []struct {
		user, name string
		role       domain.Role
		scope      string
	}{
		{"caigou", "王采购", domain.RolePurchaser, domain.ScopeDepartment},
		{"xiaoshou", "李销售", domain.RoleSales, domain.ScopeOwn},
		{"cangguan", "张仓管", domain.RoleWarehouse, domain.ScopeAll},
		{"caiwu", "赵会计", domain.RoleFinance, domain.ScopeAll},
		{"jingli", "陈经理", domain.RoleManager, domain.ScopeAll},
	} {
		// Linked to the sandbox's DingTalk accounts (ding_<username>) for 免登.
		if _, err := a.CreateUser(ctx, app.UserInput{Username: p(u.user), Name: p(u.name), Password: p(DemoPassword),
			Roles: &[]domain.Role{u.role}, DataScope: p(u.scope), DingTalkUserID: p("ding_" + u.user)}); err != nil {
			return fmt.Errorf("user %s: %w", u.user, err)
		}
	}
	if admins, err := a.ListUsers(ctx, app.ListParams{Q: "admin"}, ""); err == nil && len(admins.Items) == 1 {
		if _, err := a.UpdateUser(ctx, admins.Items[0].ID, app.UserInput{DingTalkUserID: p("ding_admin")}); err != nil {
			return err
		}
	}

	units := map[string]int64{}
	for _, n := range []string{"个", "瓶", "包", "件", "台", "千克", "盒", "支"} {
		u, err := cat.Units.Create(ctx, app.UnitInput{Name: p(n)})
		if err != nil {
			return err
		}
		units[n] = u.ID
	}
	for _, d := range []struct{ name, base, ratio string }{{"箱", "瓶", "24"}, {"提", "瓶", "6"}, {"打", "支", "12"}} {
		u, err := cat.Units.Create(ctx, app.UnitInput{Name: p(d.name), BaseUnitID: p(units[d.base]), Ratio: dec(d.ratio)})
		if err != nil {
			return err
		}
		units[d.name] = u.ID
	}

	cats := map[string]int64{}
	for _, c := range []struct{ code, name, parent string }{
		{"FOOD", "食品饮料", ""}, {"DRINK", "饮料", "FOOD"}, {"SNACK", "休闲零食", "FOOD"},
		{"DAILY", "日用百货", ""}, {"OFFICE", "办公用品", ""}, {"ELEC", "数码电器", ""},
	} {
		in := app.CategoryInput{Code: p(c.code), Name: p(c.name)}
		if c.parent != "" {
			in.ParentID = p(cats[c.parent])
		}
		v, err := cat.Categories.Create(ctx, in)
		if err != nil {
			return err
		}
		cats[c.code] = v.ID
	}

	whs := []*domain.Warehouse{}
	for _, w := range []struct{ code, name, addr string }{
		{"SH01", "上海总仓", "上海市青浦区华新镇华腾路 1288 号"},
		{"HZ01", "杭州分仓", "杭州市余杭区仓前街道文一西路 998 号"},
		{"NJ01", "南京门店仓", "南京市鼓楼区中山北路 200 号"},
	} {
		v, err := cat.Warehouses.Create(ctx, app.WarehouseInput{Code: p(w.code), Name: p(w.name), Address: p(w.addr)})
		if err != nil {
			return err
		}
		whs = append(whs, v)
	}

	for _, pt := range []struct {
		code, name, typ, contact, phone, addr, limit string
		days                                         int
	}{
		{"S001", "农夫山泉股份有限公司华东分公司", domain.PartnerSupplier, "周经理", "0571-88001234", "杭州市西湖区", "0", 30},
		{"S002", "上海晨光文具股份有限公司", domain.PartnerSupplier, "吴主管", "021-57471234", "上海市奉贤区", "0", 45},
		{"S003", "旺旺食品（上海）有限公司", domain.PartnerSupplier, "郑经理", "021-62351234", "上海市长宁区", "0", 30},
		{"S004", "维达纸业（中国）有限公司", domain.PartnerSupplier, "孙经理", "0750-3801234", "广东省江门市", "0", 60},
		{"S005", "深圳绿联科技股份有限公司", domain.PartnerSupplier, "钱经理", "0755-28501234", "深圳市龙华区", "0", 30},
		{"C001", "上海联华超市有限公司", domain.PartnerCustomer, "冯采购", "021-63581234", "上海市普陀区", "200000", 30},
		{"C002", "杭州百大便利店连锁", domain.PartnerCustomer, "陈店长", "0571-87051234", "杭州市上城区", "50000", 15},
		{"C003", "南京苏果社区店", domain.PartnerCustomer, "褚店长", "025-83201234", "南京市玄武区", "30000", 15},
		{"C004", "苏州工业园区星海学校", domain.PartnerCustomer, "卫老师", "0512-62881234", "苏州市工业园区", "0", 30},
		{"C005", "宁波东方电器商行", domain.PartnerCustomer, "蒋老板", "0574-87301234", "宁波市海曙区", "80000", 30},
		{"C006", "无锡好邻居便利店", domain.PartnerCustomer, "沈店长", "0510-82701234", "无锡市梁溪区", "20000", 7},
		{"B001", "上海易购贸易有限公司", domain.PartnerBoth, "韩经理", "021-64201234", "上海市徐汇区", "100000", 30},
	} {
		in := app.PartnerInput{Code: p(pt.code), Name: p(pt.name), Type: p(pt.typ),
			Contact: p(pt.contact), Phone: p(pt.phone), Address: p(pt.addr), CreditLimit: dec(pt.limit), PaymentTermsDays: p(pt.days)}
		// Customers are graded (客户等级) for the price lists to come.
		if lv := demoLevels[pt.code]; lv != "" {
			id, err := demoDict(ctx, a, domain.DictCustomerLevel, lv)
			if err != nil {
				return err
			}
			in.LevelID = &id
		}
		if _, err := cat.Partners.Create(ctx, in); err != nil {
			return err
		}
	}

	type prod struct{ sku, name, spec, unit, cat, barcode, safety, cost, qty string }
	prods := []prod{
		{"DR001", "农夫山泉饮用天然水", "550ml", "瓶", "DRINK", "6921168509256", "240", "1.05", "2400"},
		{"DR002", "农夫山泉东方树叶茉莉花茶", "500ml", "瓶", "DRINK", "6921168558049", "120", "3.20", "960"},
		{"DR003", "可口可乐", "330ml 罐装", "瓶", "DRINK", "6928804011173", "240", "1.85", "1440"},
		{"DR004", "元气森林白桃气泡水", "480ml", "瓶", "DRINK", "6970399920415", "120", "3.60", "720"},
		{"DR005", "康师傅冰红茶", "500ml", "瓶", "DRINK", "6920459905012", "120", "1.90", "1200"},
		{"DR006", "伊利纯牛奶", "250ml×24 盒", "箱", "DRINK", "6907992500133", "20", "52.00", "150"},
		{"DR007", "统一阿萨姆奶茶", "500ml", "瓶", "DRINK", "6925303773106", "96", "2.80", "576"},
		{"SN001", "旺旺雪饼", "84g", "包", "SNACK", "6920658211884", "100", "4.10", "600"},
		{"SN002", "旺旺仙贝", "52g", "包", "SNACK", "6920658211891", "100", "3.50", "500"},
		{"SN003", "三只松鼠每日坚果", "750g/30 袋", "盒", "SNACK", "6971078451234", "20", "68.00", "80"},
		{"SN004", "良品铺子猪肉脯", "100g", "包", "SNACK", "6970211891234", "50", "12.50", "300"},
		{"SN005", "乐事原味薯片", "70g", "包", "SNACK", "6924743915763", "100", "4.60", "720"},
		{"SN006", "奥利奥原味夹心饼干", "97g", "包", "SNACK", "6901668005373", "80", "4.20", "480"},
		{"SN007", "德芙丝滑牛奶巧克力", "43g", "包", "SNACK", "6914973600584", "60", "5.80", "360"},
		{"DA001", "维达超韧抽纸", "3 层 130 抽×6 包", "提", "DAILY", "6901236341234", "40", "11.80", "240"},
		{"DA002", "维达卷纸", "4 层 140g×10 卷", "提", "DAILY", "6901236342345", "30", "19.50", "180"},
		{"DA003", "蓝月亮洗衣液", "3kg", "瓶", "DAILY", "6902022131234", "20", "35.00", "120"},
		{"DA004", "舒肤佳香皂", "108g", "个", "DAILY", "6903148041234", "50", "3.90", "400"},
		{"DA005", "高露洁牙膏", "140g", "支", "DAILY", "6920354811234", "60", "7.50", "360"},
		{"DA006", "洁柔湿巾", "80 片", "包", "DAILY", "6922266441234", "40", "6.20", "200"},
		{"OF001", "晨光中性笔", "0.5mm 黑色", "支", "OFFICE", "6921734901234", "240", "0.95", "2400"},
		{"OF002", "晨光笔记本", "A5 80 页", "个", "OFFICE", "6921734912345", "100", "3.20", "600"},
		{"OF003", "得力订书机", "12 号", "个", "OFFICE", "6921734923456", "20", "11.00", "120"},
		{"OF004", "得力 A4 复印纸", "70g 500 张", "包", "OFFICE", "6921734934567", "50", "18.50", "300"},
		{"OF005", "晨光修正带", "5mm×6m", "个", "OFFICE", "6921734945678", "60", "2.60", "480"},
		{"OF006", "得力文件夹", "A4 双夹", "个", "OFFICE", "6921734956789", "40", "4.30", "240"},
		{"EL001", "绿联 USB-C 数据线", "1m 60W", "件", "ELEC", "6957303861234", "30", "16.00", "200"},
		{"EL002", "绿联 20W 快充充电器", "PD 单口", "件", "ELEC", "6957303872345", "20", "32.00", "120"},
		{"EL003", "小米充电宝", "10000mAh", "台", "ELEC", "6934177712345", "10", "69.00", "60"},
		{"EL004", "罗技无线鼠标 M170", "黑色", "台", "ELEC", "6943497912345", "10", "45.00", "80"},
		{"EL005", "公牛插线板", "6 位 1.8m", "件", "ELEC", "6925006712345", "15", "38.00", "90"},
		{"EL006", "飞利浦 LED 灯泡", "9W E27", "个", "ELEC", "6923410712345", "30", "8.50", "240"},
		{"FD001", "金龙鱼大米", "5kg", "包", "FOOD", "6948195800123", "20", "32.00", "100"},
		{"FD002", "鲁花花生油", "5L", "瓶", "FOOD", "6920937800123", "10", "128.00", "40"},
		{"FD003", "海天生抽酱油", "500ml", "瓶", "FOOD", "6902265110123", "30", "7.80", "180"},
		{"FD004", "散装白砂糖", "按重量", "千克", "FOOD", "", "20", "6.40", "150"},
	}
	byWH := map[int64][]app.OpeningLineInput{}
	var firstIDs []int64
	// Reorder levels (补货参数) where each product is stocked: the main
	// warehouse keeps the full safety stock, the other one a share; the
	// third warehouse (a shop) carries only what is sent to it (below).
	var levels []app.ReorderLevelInput
	for i, pr := range prods {
		in := app.ProductInput{SKU: p(pr.sku), Name: p(pr.name), Spec: p(pr.spec), UnitID: p(units[pr.unit]),
			CategoryID: p(cats[pr.cat]), Barcode: p(pr.barcode)}
		if pr.cat == "FOOD" || pr.cat == "DRINK" || pr.cat == "SNACK" {
			in.TaxRate = dec("0.09") // 农产品及部分食品适用 9% 税率
			if pr.sku == "DR001" || pr.sku == "SN001" {
				in.TaxRate = dec("0.13")
			}
		}
		v, err := cat.Products.Create(ctx, in)
		if err != nil {
			return fmt.Errorf("product %s: %w", pr.sku, err)
		}
		if i < 6 {
			firstIDs = append(firstIDs, v.ID)
		}
		qty := decimal.RequireFromString(pr.qty)
		main := qty.Mul(decimal.RequireFromString("0.6")).Round(0)
		byWH[whs[0].ID] = append(byWH[whs[0].ID], app.OpeningLineInput{ProductID: v.ID, Qty: main, UnitCost: decimal.RequireFromString(pr.cost)})
		safety := decimal.RequireFromString(pr.safety)
		mainLevel := app.ReorderLevelInput{ProductID: v.ID, WarehouseID: whs[0].ID, SafetyStock: safety}
		if pr.sku == "SN003" { // nuts sell fast before the holidays: reorder early, by the carton
			mainLevel.ReorderPoint, mainLevel.ReorderQty = decimal.NewFromInt(50), decimal.NewFromInt(24)
		}
		levels = append(levels, mainLevel)
		if rest := qty.Sub(main); rest.IsPositive() {
			w := whs[1+i%2]
			byWH[w.ID] = append(byWH[w.ID], app.OpeningLineInput{ProductID: v.ID, Qty: rest, UnitCost: decimal.RequireFromString(pr.cost)})
			lv := app.ReorderLevelInput{ProductID: v.ID, WarehouseID: w.ID, SafetyStock: safety.Mul(decimal.RequireFromString("0.4")).Round(0)}
			switch pr.sku {
			case "EL003": // power banks: a box of 20 whenever fewer than 30 are left
				lv.SafetyStock, lv.ReorderPoint, lv.ReorderQty = decimal.NewFromInt(10), decimal.NewFromInt(30), decimal.NewFromInt(20)
			case "FD002": // oil: the branch keeps more than it has now
				lv.SafetyStock = decimal.NewFromInt(20)
			}
			levels = append(levels, lv)
		}
	}
	// 业务日期: the stock was counted on the first of the month; the week's
	// receipt came in two days ago (within the month).
	today := domain.LocalDate(a.Now())
	monthStart := today[:8] + "01"
	twoDaysAgo := max(monthStart, domain.LocalDate(a.Now().AddDate(0, 0, -2)))
	for _, w := range whs {
		if _, err := a.PostOpening(ctx, app.OpeningInput{WarehouseID: w.ID, BizDate: monthStart, Remark: "系统启用期初库存", Lines: byWH[w.ID]}); err != nil {
			return fmt.Errorf("opening %s: %w", w.Code, err)
		}
	}
	// Set once the stock is in: a handful of items start below their level
	// and land on their warehouse's reorder requisition at once.
	if _, err := a.SetReorderLevels(ctx, app.ReorderLevelsInput{Levels: levels}); err != nil {
		return fmt.Errorf("reorder levels: %w", err)
	}

	lines := []app.TransferLineInput{}
	for _, id := range firstIDs[:3] {
		lines = append(lines, app.TransferLineInput{ProductID: id, Qty: decimal.NewFromInt(48)})
	}
	t, err := a.CreateTransfer(ctx, app.TransferInput{FromWarehouseID: &whs[0].ID, ToWarehouseID: &whs[2].ID, Remark: p("南京门店补货"), Lines: &lines})
	if err != nil {
		return err
	}
	if _, err := a.PostTransfer(ctx, t.ID, 0); err != nil {
		return err
	}
	// The Nanjing shop carries what it was sent: tea and cola are fine,
	// water (it sells by the case) is already below the shop's level.
	shop := []app.ReorderLevelInput{{ProductID: firstIDs[0], WarehouseID: whs[2].ID, SafetyStock: decimal.NewFromInt(60), ReorderQty: decimal.NewFromInt(48)},
		{ProductID: firstIDs[1], WarehouseID: whs[2].ID, SafetyStock: decimal.NewFromInt(24)},
		{ProductID: firstIDs[2], WarehouseID: whs[2].ID, SafetyStock: decimal.NewFromInt(24)}}
	if _, err := a.SetReorderLevels(ctx, app.ReorderLevelsInput{Levels: shop}); err != nil {
		return fmt.Errorf("shop reorder levels: %w", err)
	}
	st, err := a.CreateStocktake(ctx, app.StocktakeInput{WarehouseID: &whs[0].ID, Remark: p("月末抽盘"), Lines: &[]app.StocktakeLineInput{
		{ProductID: firstIDs[0], CountedQty: decimal.NewFromInt(1390)},
		{ProductID: firstIDs[4], CountedQty: decimal.NewFromInt(722)},
	}})
	if err != nil {
		return err
	}
	if _, err := a.PostStocktake(ctx, st.ID, 0); err != nil {
		return err
	}
	if err := seedDemoOpenings(ctx, a); err != nil {
		return fmt.Errorf("openings: %w", err)
	}
	if err := seedDemoOrders(ctx, a, whs[0].ID, firstIDs, twoDaysAgo); err != nil {
		return err
	}
	// A transfer still in draft, dated today: 结账检查 lists it until it is
	// posted or cancelled.
	if _, err := a.CreateTransfer(ctx, app.TransferInput{FromWarehouseID: &whs[0].ID, ToWarehouseID: &whs[1].ID, BizDate: &today,
		Remark: p("苏州仓补货（待确认）"), Lines: &[]app.TransferLineInput{{ProductID: firstIDs[1], Qty: decimal.NewFromInt(24)}}}); err != nil {
		return err
	}
	if err := seedDemoCash(ctx, a, s); err != nil {
		return err
	}
	return seedDemoReviews(ctx, a)
}

// seedDemoCash books a few manual cash vouchers, so 现金流量表 has more than
// receipts and payments to show: office rent paid from the bank
// (支付其他与经营活动有关的现金), wages paid (支付的职工薪酬, accrued first), and
// petty cash drawn from the bank, a transfer that is no cash flow.
func seedDemoCash(ctx context.Context, a *app.App, s *store.Store) error {
	acct, err := store.AccountsByCode(s.Read(ctx))
	if err != nil {
		return err
	}
	for _, v := range []app.VoucherInput{
		{Remark: "支付本月办公室房租", Attachments: 1, Lines: []app.VoucherLineInput{
			{AccountID: acct["5602"].ID, Summary: "办公室房租", Debit: *dec("3000")},
			{AccountID: acct["1002"].ID, Summary: "办公室房租", Credit: *dec("3000"), CashFlowItem: domain.CFOtherOperOut}}},
		{Remark: "计提本月工资", Lines: []app.VoucherLineInput{
			{AccountID: acct["5602"].ID, Summary: "管理人员工资", Debit: *dec("6000")},
			{AccountID: acct["2211"].ID, Summary: "应付工资", Credit: *dec("6000")}}},
		{Remark: "发放本月工资", Attachments: 1, Lines: []app.VoucherLineInput{
			{AccountID: acct["2211"].ID, Summary: "发放工资", Debit: *dec("6000")},
			{AccountID: acct["1002"].ID, Summary: "发放工资", Credit: *dec("6000"), CashFlowItem: domain.CFWages}}},
		{Remark: "提取备用金", Attachments: 1, Lines: []app.VoucherLineInput{
			{AccountID: acct["1001"].ID, Summary: "提取备用金", Debit: *dec("2000")},
			{AccountID: acct["1002"].ID, Summary: "提取备用金", Credit: *dec("2000")}}},
	} {
		if _, err := a.CreateVoucher(ctx, v); err != nil {
			return fmt.Errorf("demo voucher %s: %w", v.Remark, err)
		}
	}
	return nil
}

// seedDemoOrders adds a week of trade: an approval rule, purchase orders
// received in full and in part, sales orders shipped, reserved and waiting
// for a manager, a sales return, and a product below its safety stock.
func seedDemoOrders(ctx context.Context, a *app.App, wh int64, prods []int64, receivedOn string) error {
	if _, err := a.ApprovalRules().Create(ctx, app.ApprovalRuleInput{DocType: p(domain.DocPurchaseOrder), MinAmount: dec("10000"), Role: p(domain.RoleManager)}); err != nil {
		return err
	}
	if _, err := a.ApprovalRules().Create(ctx, app.ApprovalRuleInput{DocType: p(domain.DocSalesOrder), MinAmount: dec("20000"), Role: p(domain.RoleManager)}); err != nil {
		return err
	}
	partners, err := a.Catalog().Partners.List(ctx, app.ListParams{PageSize: 50}, nil)
	if err != nil {
		return err
	}
	code := map[string]int64{}
	for _, pt := range partners.Items {
		code[pt.Code] = pt.ID
	}
	line := func(pid int64, qty, price string) app.OrderLineInput {
		return app.OrderLineInput{ProductID: pid, Qty: *dec(qty), UnitPrice: *dec(price)}
	}
	// Sales orders are 李销售's, so her bot answers (今日销售) and her data
	// scope have something to show; the rest is entered by the system.
	sellers, err := a.ListUsers(ctx, app.ListParams{Q: "xiaoshou"}, "")
	if err != nil || len(sellers.Items) != 1 {
		return fmt.Errorf("demo salesperson: %v", err)
	}
	seller := app.WithActor(ctx, sellers.Items[0])
	// Orders are due a week out (交货日期), so the detail has one to show.
	due := domain.LocalDate(a.Now().AddDate(0, 0, 7))
	order := func(typ, partner string, lines ...app.OrderLineInput) (*domain.Order, error) {
		octx := ctx
		if typ == domain.DocSalesOrder {
			octx = seller
		}
		o, err := a.CreateOrder(octx, typ, app.OrderInput{PartnerID: p(code[partner]), WarehouseID: &wh, ExpectedDate: &due, Lines: &lines})
		if err != nil {
			return nil, err
		}
		return a.SubmitOrder(octx, typ, o.ID, 0)
	}
	// Bought: water received in full, tea in part, and 12 of the tea sent
	// back (订单详情: 已入库 120, 退货 12, 未入库 120).
	po, err := order(domain.DocPurchaseOrder, "S001", line(prods[0], "480", "1.00"), line(prods[1], "240", "3.10"))
	if err != nil {
		return err
	}
	gr, err := a.PostReceipt(ctx, app.ReceiptInput{OrderID: po.ID, BizDate: receivedOn, Lines: []domain.MoveLine{
		{LineID: po.Lines[0].ID, Qty: *dec("480")}, {LineID: po.Lines[1].ID, Qty: *dec("120")}}})
	if err != nil {
		return err
	}
	if _, err := a.PostPurchaseReturn(ctx, app.ReturnInput{SourceID: gr.ID, Remark: "临期退回",
		Lines: []domain.MoveLine{{LineID: gr.Lines[1].ID, Qty: *dec("12")}}}); err != nil {
		return err
	}
	// A large purchase waits for the manager (陈经理).
	if _, err := order(domain.DocPurchaseOrder, "S005", line(prods[2], "6000", "1.80")); err != nil {
		return err
	}
	// Another he approved, so an order's detail names who decided.
	big, err := order(domain.DocPurchaseOrder, "S001", line(prods[0], "7200", "1.00"), line(prods[1], "1200", "3.10"))
	if err != nil {
		return err
	}
	bosses, err := a.ListUsers(ctx, app.ListParams{Q: "jingli"}, "")
	if err != nil || len(bosses.Items) != 1 || big.ApprovalID == nil {
		return fmt.Errorf("demo manager's approval: %v", err)
	}
	if _, err := a.Decide(app.WithActor(ctx, bosses.Items[0]), *big.ApprovalID, true, "同意，按季度备货"); err != nil {
		return err
	}
	// Sold: one order shipped (10 came back), one approved and reserved.
	so, err := order(domain.DocSalesOrder, "C001", line(prods[0], "600", "1.60"), line(prods[3], "120", "5.20"))
	if err != nil {
		return err
	}
	// 联华 takes goods at two addresses, its distribution centre the
	// default; the shipment goes there by logistics with a waybill.
	if _, err := a.SavePartnerAddress(ctx, code["C001"], 0, app.AddressInput{Address: "上海市普陀区真北路 1688 号 联华配送中心 3 号库",
		Contact: "冯采购", Phone: "13916881234", IsDefault: true}); err != nil {
		return err
	}
	if _, err := a.SavePartnerAddress(ctx, code["C001"], 0, app.AddressInput{Address: "上海市黄浦区南京东路 800 号 联华超市南京路店",
		Contact: "严店长", Phone: "021-63221234"}); err != nil {
		return err
	}
	logistics, err := demoDict(ctx, a, domain.DictShippingMethod, "logistics")
	if err != nil {
		return err
	}
	express, err := demoDict(ctx, a, domain.DictShippingMethod, "express")
	if err != nil {
		return err
	}
	gi, err := a.PostShipment(ctx, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{
		{LineID: so.Lines[0].ID, Qty: *dec("600")}, {LineID: so.Lines[1].ID, Qty: *dec("120")}},
		Delivery: domain.Delivery{ShippingMethodID: &logistics, Carrier: "德邦物流", WaybillNo: "DPK2026120800123"}})
	if err != nil {
		return err
	}
	if _, err := a.PostSalesReturn(ctx, app.ReturnInput{SourceID: gi.ID, Remark: "包装破损",
		Lines: []domain.MoveLine{{LineID: gi.Lines[0].ID, Qty: *dec("10")}}}); err != nil {
		return err
	}
	if _, err := order(domain.DocSalesOrder, "C002", line(prods[4], "96", "3.00")); err != nil {
		return err
	}
	// The milk runs low: its safety stock here is above what is left, so
	// the next sale puts it on the warehouse's reorder requisition.
	if _, err := a.SetReorderLevels(ctx, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{
		{ProductID: prods[5], WarehouseID: wh, SafetyStock: *dec("85")}}}); err != nil {
		return err
	}
	so2, err := order(domain.DocSalesOrder, "C003", line(prods[5], "10", "68.00"))
	if err != nil {
		return err
	}
	if _, err = a.PostShipment(ctx, app.ShipmentInput{OrderID: so2.ID, Lines: []domain.MoveLine{{LineID: so2.Lines[0].ID, Qty: *dec("10")}},
		Delivery: domain.Delivery{ShippingMethodID: &express, Carrier: "顺丰速运", WaybillNo: "SF1402681234567",
			ShipAddress: "南京市玄武区中山路 18 号 苏果社区店", ShipContact: "褚店长", ShipPhone: "025-83201234"}}); err != nil {
		return err
	}
	// Money: 联华 paid part of its bill, and the water supplier was paid in
	// part, so the aging and the partner statements have something to show.
	bank, err := demoDict(ctx, a, domain.DictPaymentMethod, "bank")
	if err != nil {
		return err
	}
	if _, err := a.CreateMoneyDoc(ctx, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: code["C001"], Amount: *dec("800"), Remark: "银行转账", PaymentMethodID: &bank}); err != nil {
		return err
	}
	_, err = a.CreateMoneyDoc(ctx, domain.DocMoneyPayment, app.MoneyInput{PartnerID: code["S001"], Amount: *dec("500"), Remark: "银行转账", PaymentMethodID: &bank})
	return err
}

// seedDemoOpenings takes the demo company live this month (启用期间) with its
// account openings (科目期初余额): capital, cash and the bank balance, and,
// when the month is not January, the year so far (本年累计): 1,200,000 of
// sales, 900,000 of cost and 180,000 of expenses, closed monthly into 3103
// 本年利润; and last month's bills still open (期初往来): 12,000 owed by two
// customers, 8,000 owed to a supplier. 期初 借 333,000 = 贷 333,000; 年初
// 借 205,000 = 贷 205,000 (in January 213,000, the bills being last
// year's). The stock's opening comes from the 期初库存 documents (借 1405
// 贷 3001).
func seedDemoOpenings(ctx context.Context, a *app.App) error {
	start := domain.PeriodOf(domain.LocalDate(a.Now()))
	ob := func(code, dr, cr, ydr, ycr string) app.OpeningBalanceInput {
		return app.OpeningBalanceInput{AccountCode: code, Debit: *dec(dr), Credit: *dec(cr), YTDDebit: *dec(ydr), YTDCredit: *dec(ycr)}
	}
	lines := []app.OpeningBalanceInput{
		ob("1001", "5000", "0", "0", "0"),
		ob("1002", "316000", "0", "1196000", "1080000"),
		ob("3001", "0", "205000", "0", "0"),
		ob("3103", "0", "120000", "1080000", "1200000"),
		ob("5001", "0", "0", "0", "1200000"),
		ob("5401", "0", "0", "900000", "0"),
		ob("5602", "0", "0", "180000", "0"),
	}
	if strings.HasSuffix(start, "-01") {
		// Going live in January: nothing before it this year.
		lines = []app.OpeningBalanceInput{ob("1001", "5000", "0", "0", "0"), ob("1002", "196000", "0", "0", "0"), ob("3001", "0", "205000", "0", "0")}
	}
	if _, err := a.PutOpeningBalances(ctx, app.OpeningBalancesInput{StartPeriod: start, Lines: lines}); err != nil {
		return err
	}
	// 期初往来: last month's bills still open, which make 1122 and 2202.
	partners, err := a.Catalog().Partners.List(ctx, app.ListParams{PageSize: 50}, nil)
	if err != nil {
		return err
	}
	code := map[string]int64{}
	for _, pt := range partners.Items {
		code[pt.Code] = pt.ID
	}
	lastMonth := domain.PrevPeriod(start)
	if _, err := a.PutOpeningItems(ctx, app.OpeningItemsInput{Items: []domain.OpeningItem{
		{PartnerID: code["C001"], Kind: domain.ItemAR, DocNumber: "XS" + strings.ReplaceAll(lastMonth, "-", "") + "18-003", Date: lastMonth + "-18", Amount: *dec("7000")},
		{PartnerID: code["C002"], Kind: domain.ItemAR, DocNumber: "XS" + strings.ReplaceAll(lastMonth, "-", "") + "05-001", Date: lastMonth + "-05", Amount: *dec("5000")},
		{PartnerID: code["S001"], Kind: domain.ItemAP, DocNumber: "CG" + strings.ReplaceAll(lastMonth, "-", "") + "20-002", Date: lastMonth + "-20", Amount: *dec("8000")},
	}}); err != nil {
		return err
	}
	sheet, err := a.GetOpeningBalances(ctx)
	if err != nil {
		return err
	}
	if !sheet.Check.Balanced {
		return fmt.Errorf("demo openings do not balance: %+v", sheet.Check)
	}
	return nil
}
