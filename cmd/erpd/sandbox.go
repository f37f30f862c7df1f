package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/dingerp/erpd/dingtalk/sandbox"
)

// The demo's DingTalk app, served by the in-process sandbox.
const (
	DemoAppKey    = "dingdemoappkey"
	DemoAppSecret = "demo-app-secret-not-for-production"
	DemoAgentID   = 3000001
	DemoCorpID    = "dingdemocorp"
	DemoRobotCode = "dingdemorobot"
	// The demo's OA process templates and card templates.
	DemoProcessPurchase = "PROC-ERP-PURCHASE-ORDER"
	DemoProcessSales    = "PROC-ERP-SALES-ORDER"
	DemoCardApproval    = "erp.approval.v1"
	DemoCardLowStock    = "erp.lowstock.v1"
)

// demoDingTalkEnv points erpd at the demo sandbox at url.
func demoDingTalkEnv(url string) map[string]string {
	return map[string]string{"ERP_DINGTALK_ENABLED": "true", "ERP_DINGTALK_APP_KEY": DemoAppKey,
		"ERP_DINGTALK_APP_SECRET": DemoAppSecret, "ERP_DINGTALK_API_HOST": url, "ERP_DINGTALK_OAPI_HOST": url, "ERP_DINGTALK_LOGIN_HOST": url,
		"ERP_DINGTALK_AGENT_ID": fmt.Sprint(DemoAgentID), "ERP_DINGTALK_ROBOT_CODE": DemoRobotCode, "ERP_DINGTALK_CORP_ID": DemoCorpID,
		"ERP_DINGTALK_PROCESS_CODES_PURCHASE_ORDER": DemoProcessPurchase, "ERP_DINGTALK_PROCESS_CODES_SALES_ORDER": DemoProcessSales,
		"ERP_DINGTALK_CARD_TEMPLATES_APPROVAL": DemoCardApproval, "ERP_DINGTALK_CARD_TEMPLATES_LOW_STOCK": DemoCardLowStock}
}

// demoStaff are the demo company's DingTalk accounts; the ERP demo users
// with the same names are linked to them.
var demoStaff = []sandbox.User{
	{UserID: "ding_admin", Name: "管理员", Title: "系统管理员", DeptIDs: []int64{6}, Active: true, Admin: true},
	{UserID: "ding_caigou", Name: "王采购", Title: "采购员", DeptIDs: []int64{2}, Active: true},
	{UserID: "ding_xiaoshou", Name: "李销售", Title: "销售员", DeptIDs: []int64{3}, Active: true},
	{UserID: "ding_cangguan", Name: "张仓管", Title: "仓管员", DeptIDs: []int64{4}, Active: true},
	{UserID: "ding_caiwu", Name: "赵会计", Title: "会计", DeptIDs: []int64{5}, Active: true},
	{UserID: "ding_jingli", Name: "陈经理", Title: "总经理", DeptIDs: []int64{6}, Leads: []int64{2, 3, 4, 5, 6}, Active: true},
}

// startSandbox serves a DingTalk sandbox with the demo company's org on a
// free local port.
func (m *Main) startSandbox() (string, error) {
	org := sandbox.Org{
		Departments: []sandbox.Department{
			{ID: 2, Name: "采购部", ParentID: 1, Managers: []string{"ding_jingli"}},
			{ID: 3, Name: "销售部", ParentID: 1, Managers: []string{"ding_jingli"}},
			{ID: 4, Name: "仓储部", ParentID: 1, Managers: []string{"ding_jingli"}},
			{ID: 5, Name: "财务部", ParentID: 1, Managers: []string{"ding_jingli"}},
			{ID: 6, Name: "总经办", ParentID: 1, Managers: []string{"ding_jingli"}},
		},
		Users: demoStaff,
	}
	sb := sandbox.New(sandbox.Options{AppKey: DemoAppKey, AppSecret: DemoAppSecret, QPSLimit: 20, Org: org,
		AgentID: DemoAgentID, RobotCode: DemoRobotCode, ProcessCodes: []string{DemoProcessPurchase, DemoProcessSales},
		RevokeDelay: 15 * time.Second, CorpID: DemoCorpID})
	m.Sandbox = sb
	// ERP_DEMO_SANDBOX_ADDR fixes the port, so a browser (the H5 test, a
	// trainer) can reach the sandbox's pages at a known address.
	addr := os.Getenv("ERP_DEMO_SANDBOX_ADDR")
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	m.sandbox = &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go m.sandbox.Serve(ln)
	ctx, cancel := context.WithCancel(context.Background())
	m.sandbox.RegisterOnShutdown(cancel)
	go sb.Run(ctx)
	m.SandboxURL = "http://" + ln.Addr().String()
	return m.SandboxURL, nil
}
