package domain

// StandardChart is the chart of accounts of 小企业会计准则 (财会[2011]17号,
// appendix: 66 first-level accounts; 本年利润 is 3103 here, not 企业会计准则's
// 4103, and 5001/5401 are revenue and cost of sales), plus the sub-accounts a
// trading company that is a VAT general taxpayer needs (2221 per 财会[2016]22号,
// coded 4-2-2). Sub-account codes are a convention; the Ministry fixes only
// the first level.
var StandardChart = []ChartEntry{
	{"1001", "库存现金", AccountAsset, Debit},
	{"1002", "银行存款", AccountAsset, Debit},
	{"1012", "其他货币资金", AccountAsset, Debit},
	{"1101", "短期投资", AccountAsset, Debit},
	{"1121", "应收票据", AccountAsset, Debit},
	{"1122", "应收账款", AccountAsset, Debit},
	{"1123", "预付账款", AccountAsset, Debit},
	{"1131", "应收股利", AccountAsset, Debit},
	{"1132", "应收利息", AccountAsset, Debit},
	{"1221", "其他应收款", AccountAsset, Debit},
	{"1401", "材料采购", AccountAsset, Debit},
	{"1402", "在途物资", AccountAsset, Debit},
	{"1403", "原材料", AccountAsset, Debit},
	{"1404", "材料成本差异", AccountAsset, Debit},
	{"1405", "库存商品", AccountAsset, Debit},
	{"1407", "商品进销差价", AccountAsset, Credit},
	{"1408", "委托加工物资", AccountAsset, Debit},
	{"1411", "周转材料", AccountAsset, Debit},
	{"1421", "消耗性生物资产", AccountAsset, Debit},
	{"1501", "长期债券投资", AccountAsset, Debit},
	{"1511", "长期股权投资", AccountAsset, Debit},
	{"1601", "固定资产", AccountAsset, Debit},
	{"1602", "累计折旧", AccountAsset, Credit},
	{"1604", "在建工程", AccountAsset, Debit},
	{"1605", "工程物资", AccountAsset, Debit},
	{"1606", "固定资产清理", AccountAsset, Debit},
	{"1621", "生产性生物资产", AccountAsset, Debit},
	{"1622", "生产性生物资产累计折旧", AccountAsset, Credit},
	{"1701", "无形资产", AccountAsset, Debit},
	{"1702", "累计摊销", AccountAsset, Credit},
	{"1801", "长期待摊费用", AccountAsset, Debit},
	{"1901", "待处理财产损溢", AccountAsset, Debit},
	{"2001", "短期借款", AccountLiability, Credit},
	{"2201", "应付票据", AccountLiability, Credit},
	{"2202", "应付账款", AccountLiability, Credit},
	{"2203", "预收账款", AccountLiability, Credit},
	{"2211", "应付职工薪酬", AccountLiability, Credit},
	{"2221", "应交税费", AccountLiability, Credit},
	{"222101", "应交增值税", AccountLiability, Credit},
	{"22210101", "进项税额", AccountLiability, Debit},
	{"22210102", "销项税额抵减", AccountLiability, Debit},
	{"22210103", "已交税金", AccountLiability, Debit},
	{"22210104", "转出未交增值税", AccountLiability, Debit},
	{"22210105", "减免税款", AccountLiability, Debit},
	{"22210107", "销项税额", AccountLiability, Credit},
	{"22210109", "进项税额转出", AccountLiability, Credit},
	{"22210110", "转出多交增值税", AccountLiability, Credit},
	{"222102", "未交增值税", AccountLiability, Credit},
	{"222103", "应交企业所得税", AccountLiability, Credit},
	{"222104", "应交城市维护建设税", AccountLiability, Credit},
	{"222105", "应交教育费附加", AccountLiability, Credit},
	{"222106", "应交地方教育附加", AccountLiability, Credit},
	{"222107", "应交个人所得税", AccountLiability, Credit},
	{"2231", "应付利息", AccountLiability, Credit},
	{"2232", "应付利润", AccountLiability, Credit},
	{"2241", "其他应付款", AccountLiability, Credit},
	{"2401", "递延收益", AccountLiability, Credit},
	{"2501", "长期借款", AccountLiability, Credit},
	{"2701", "长期应付款", AccountLiability, Credit},
	{"3001", "实收资本", AccountEquity, Credit},
	{"3002", "资本公积", AccountEquity, Credit},
	{"3101", "盈余公积", AccountEquity, Credit},
	{"3103", "本年利润", AccountEquity, Credit},
	{"3104", "利润分配", AccountEquity, Credit},
	{"310401", "提取法定盈余公积", AccountEquity, Credit},
	{"310402", "应付利润", AccountEquity, Credit},
	{"310409", "未分配利润", AccountEquity, Credit},
	{"4001", "生产成本", AccountCost, Debit},
	{"4101", "制造费用", AccountCost, Debit},
	{"4301", "研发支出", AccountCost, Debit},
	{"4401", "工程施工", AccountCost, Debit},
	{"4403", "机械作业", AccountCost, Debit},
	{"5001", "主营业务收入", AccountPL, Credit},
	{"5051", "其他业务收入", AccountPL, Credit},
	{"5111", "投资收益", AccountPL, Credit},
	{"5301", "营业外收入", AccountPL, Credit},
	{"5401", "主营业务成本", AccountPL, Debit},
	{"5402", "其他业务成本", AccountPL, Debit},
	{"5403", "税金及附加", AccountPL, Debit},
	{"5601", "销售费用", AccountPL, Debit},
	{"5602", "管理费用", AccountPL, Debit},
	{"5603", "财务费用", AccountPL, Debit},
	{"5711", "营业外支出", AccountPL, Debit},
	{"5801", "所得税费用", AccountPL, Debit},
}

// Accounts the ledger's own rules name (templates aside).
const (
	AcctCash            = "1001"
	AcctBank            = "1002"
	AcctReceivable      = "1122"
	AcctPrepaid         = "1123" // 预付账款
	AcctAdvanceReceived = "2203" // 预收账款
	AcctStock           = "1405"
	AcctPendingLoss     = "1901"
	AcctPayable         = "2202"
	AcctVATPayable      = "222101" // 应交增值税: the parent of the VAT sub-accounts
	AcctVATIn           = "22210101"
	AcctVATPrepaid      = "22210103" // 已交税金
	AcctVATOutPaid      = "22210104" // 转出未交增值税
	AcctVATOut          = "22210107"
	AcctVATInReversed   = "22210109"
	AcctVATOverpaid     = "22210110" // 转出多交增值税
	AcctVATUnpaid       = "222102"   // 未交增值税
	AcctProfit          = "3103"     // 本年利润
	AcctDistribution    = "3104"     // 利润分配
	AcctRetained        = "310409"   // 利润分配-未分配利润
)

// ControlledAccounts are kept by the business documents and must always
// agree with them: 1405 with the stock, 1122/2203 and 2202/1123 with the
// receivables and payables. Manual vouchers don't post to them, and
// templates can't take them off or add them.
var ControlledAccounts = map[string]bool{AcctStock: true, AcctReceivable: true, AcctAdvanceReceived: true,
	AcctPayable: true, AcctPrepaid: true}
