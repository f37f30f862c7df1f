package app_test

import (
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

func TestImports(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		e.unit("个")
		e.warehouse("W1", false)
		must[*domain.Category](t)(e.app.Catalog().Categories.Create(e.admin, app.CategoryInput{Code: ptr("DRINK"), Name: ptr("饮料")}))
		countProducts := func() int64 {
			return must[*app.List[domain.Product]](t)(e.app.Catalog().Products.List(e.admin, app.ListParams{}, nil)).Total
		}

		bad := "\uFEFF商品编码*,商品名称*,单位*,分类编码,税率,安全库存,批次管理\n" +
			"P001,矿泉水,个,DRINK,13%,10,否\n" +
			"P002,可乐,箱,DRINK,,,\n" + // unknown unit
			"P001,重复编码,个,,,,\n" + // duplicate in the file
			"P004,果汁,个,NOPE,abc,,也许\n" // three bad cells
		_, err := e.app.Import(e.admin, "products", strings.NewReader(bad), "csv", false)
		de := wantCode(t, err, "import_invalid")
		errs := de.Details["errors"].([]app.RowError)
		want := []app.RowError{{3, "单位", ""}, {4, "商品编码", ""}, {5, "分类编码", ""}, {5, "税率", ""}, {5, "批次管理", ""}}
		if len(errs) != len(want) {
			t.Fatalf("errors = %+v", errs)
		}
		for i, w := range want {
			if errs[i].Row != w.Row || errs[i].Column != w.Column || errs[i].Message == "" {
				t.Fatalf("error %d = %+v, want row %d column %s", i, errs[i], w.Row, w.Column)
			}
		}
		if n := countProducts(); n != 0 {
			t.Fatalf("a file with bad rows wrote %d products", n)
		}
		if !strings.HasPrefix(de.Message, "导入失败：5 处错误") {
			t.Fatalf("import message %q", de.Message)
		}
		// A dry run that finds the same problems failed its check; it was
		// never an import, so it does not say 导入失败.
		_, err = e.app.Import(e.admin, "products", strings.NewReader(bad), "csv", true)
		if de := wantCode(t, err, "import_invalid"); !strings.HasPrefix(de.Message, "校验未通过：5 处错误") || len(de.Details["errors"].([]app.RowError)) != 5 {
			t.Fatalf("dry run message %q", de.Message)
		}

		good := "商品编码,商品名称,规格,单位,税率,批次管理\nP001,矿泉水,550ml,个,0.09,否\n,,,,,\nP002,疫苗,1 支,个,,是\n"
		res := must[*app.ImportResult](t)(e.app.Import(e.admin, "products", strings.NewReader(good), "csv", true))
		if !res.DryRun || res.Created != 2 || countProducts() != 0 {
			t.Fatalf("dry run = %+v, products %d", res, countProducts())
		}
		res = must[*app.ImportResult](t)(e.app.Import(e.admin, "products", strings.NewReader(good), "csv", false))
		if res.Created != 2 || res.Rows != 2 || countProducts() != 2 {
			t.Fatalf("import = %+v", res)
		}
		p1 := must[*app.List[domain.Product]](t)(e.app.Catalog().Products.List(e.admin, app.ListParams{}, map[string]any{"sku": "P001"})).Items[0]
		if !p1.TaxRate.Equal(d("0.09")) || p1.Spec != "550ml" {
			t.Fatalf("imported product = %+v", p1)
		}

		partners := "编码,名称,类型,信用额度,账期天数\nS1,供应商甲,供应商,,30\nC1,客户乙,客户,50000,15\nX1,未知,伙伴,,\n"
		_, err = e.app.Import(e.admin, "partners", strings.NewReader(partners), "csv", false)
		if errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError); len(errs) != 1 || errs[0].Row != 4 || errs[0].Column != "类型" {
			t.Fatalf("partner errors = %+v", errs)
		}

		opening := "仓库编码,商品编码,数量,单位成本,批次,有效期\nW1,P001,100,1.2,,\nW1,P002,10,5,L1,2027-06-30\nW1,P002,5,5,,\n"
		_, err = e.app.Import(e.admin, "opening-stock", strings.NewReader(opening), "csv", false)
		if errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError); len(errs) != 1 || errs[0].Row != 4 || errs[0].Column != "批次" {
			t.Fatalf("opening errors = %+v", errs) // P002 is batch-tracked: a batch is required
		}
		if b := e.balance(p1.ID, 1, ""); !b.OnHand.IsZero() {
			t.Fatalf("a refused opening import posted stock: %+v", b)
		}
		opening = strings.Replace(opening, "W1,P002,5,5,,", "W1,P002,5,5,L2,", 1)
		res = must[*app.ImportResult](t)(e.app.Import(e.admin, "opening-stock", strings.NewReader(opening), "csv", false))
		if res.Created != 3 {
			t.Fatalf("opening import = %+v", res)
		}
		e.wantBalance(p1.ID, 1, "", "100", "120")
		// 业务日期: a date ahead is refused on its cell; a past one dates
		// the document (one per warehouse and date).
		dated := "仓库编码,商品编码,数量,单位成本,业务日期\nW1,P001,1,1.2,2999-01-01\n"
		_, err = e.app.Import(e.admin, "opening-stock", strings.NewReader(dated), "csv", false)
		if errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError); len(errs) != 1 || errs[0].Row != 2 || errs[0].Column != "业务日期" {
			t.Fatalf("dated opening errors = %+v", errs)
		}
		yesterday := domain.LocalDate(e.store.Now().AddDate(0, 0, -1))
		dated = strings.Replace(dated, "2999-01-01", yesterday, 1)
		must[*app.ImportResult](t)(e.app.Import(e.admin, "opening-stock", strings.NewReader(dated), "csv", false))
		moves := must[*app.List[domain.Move]](t)(e.app.Moves(e.admin, app.MoveFilter{ProductID: p1.ID, DocType: domain.DocOpening}, app.ListParams{}))
		if last := moves.Items[len(moves.Items)-1]; last.BizDate != yesterday || !last.Qty.Equal(d("1")) {
			t.Fatalf("dated opening move %+v", last)
		}

		_, err = e.app.Import(e.admin, "products", strings.NewReader("名称\n甲\n"), "csv", false)
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "file" || !strings.Contains(de.Message, "商品编码") {
			t.Fatal(de)
		}
		_, err = e.app.Import(e.admin, "products", strings.NewReader("\xb5\xa5\xce\xbb\n"), "csv", false) // GBK bytes
		if de := wantCode(t, err, domain.CodeValidation); !strings.Contains(de.Message, "UTF-8") {
			t.Fatal(de)
		}
		// Templates round-trip: the importer reads what it hands out.
		for _, kind := range app.ImportKinds() {
			for _, format := range []string{"xlsx", "csv"} {
				data, name, err := app.ImportTemplate(kind, format)
				if err != nil || len(data) == 0 || !strings.HasSuffix(name, format) {
					t.Fatalf("template %s %s: %v", kind, format, err)
				}
				_, err = e.app.Import(e.admin, kind, strings.NewReader(string(data)), format, true)
				if de := wantCode(t, err, domain.CodeValidation); !strings.Contains(de.Message, "没有数据行") {
					t.Fatalf("empty %s template: %v", kind, de)
				}
			}
		}
	})
}
