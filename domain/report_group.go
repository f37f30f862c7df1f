package domain

// ReportGroupings are the groupings the summary reports (采购汇总表、
// 毛利分析表) take in group_by, the contract named in the OpenAPI.
var ReportGroupings = []string{"product", "partner", "month"}

// reportGroupAliases are the names a caller may reasonably use for the
// partner grouping: the console once sent supplier (采购汇总表) and
// customer (毛利分析表), and a supplier or customer is a partner.
var reportGroupAliases = map[string]string{"supplier": "partner", "customer": "partner"}

// ReportGroup turns a group_by value into the grouping the reports know:
// empty stays empty (the report's default), an alias becomes partner, and
// anything else is invalid input, not a silent default.
func ReportGroup(s string) (string, error) {
	if a, ok := reportGroupAliases[s]; ok {
		return a, nil
	}
	if s == "" {
		return "", nil
	}
	for _, g := range ReportGroupings {
		if s == g {
			return s, nil
		}
	}
	return "", Invalid("group_by", "分组只能是 product（按商品）、partner（按往来单位）或 month（按月）")
}
