// Command serve runs the DingTalk sandbox on its own, with a small org and a
// few seeded approvals, cards and notices, so its training page at /sandbox/
// can be tried by hand or by scripts/ui-smoke:
//
//	go run ./dingtalk/sandbox/testdata/serve -port 8099
//
// With -app (the default) it also connects a stand-in for the ERP to the
// stream gateway: it acks every event, answers card clicks by updating the
// card, and answers the bot's 帮助 only, so any other bot message times out
// as it would with the ERP's bot down. It lives under testdata so that
// go build ./... and go vet ./... leave it alone.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dingerp/erpd/dingtalk/sandbox"
)

const appKey, appSecret, robotCode = "k", "s", "robot-sandbox"

func main() {
	port := flag.Int("port", 8099, "port to listen on (127.0.0.1)")
	app := flag.Bool("app", true, "connect a stand-in ERP to the stream gateway")
	flag.Parse()

	sb := sandbox.New(sandbox.Options{AppKey: appKey, AppSecret: appSecret, RobotCode: robotCode, Org: org()})
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv := &http.Server{Handler: sb.Handler()}
	go func() { _ = srv.Serve(ln) }()
	go sb.Run(ctx)

	if err := seed(base); err != nil {
		log.Fatal("seed: ", err)
	}
	if *app {
		go fakeApp(ctx, base)
	}
	log.Printf("sandbox on %s/sandbox/", base)
	<-ctx.Done()
	_ = srv.Close()
}

func org() sandbox.Org {
	return sandbox.Org{
		Departments: []sandbox.Department{
			{ID: 2, Name: "销售部", ParentID: 1, Managers: []string{"zhangsan"}},
			{ID: 3, Name: "仓储部", ParentID: 1, Managers: []string{"wangwu"}},
			{ID: 4, Name: "华东销售组", ParentID: 2},
		},
		Users: []sandbox.User{
			{UserID: "zhangsan", UnionID: "unionzhangsan", Name: "张三", Title: "销售经理", JobNumber: "E001",
				Mobile: "13800000001", DeptIDs: []int64{2}, Leads: []int64{2}, Active: true, Admin: true},
			{UserID: "lisi", UnionID: "unionlisi", Name: "李四", Title: "销售专员", JobNumber: "E002",
				Mobile: "13800000002", DeptIDs: []int64{4}, Active: true},
			{UserID: "wangwu", UnionID: "unionwangwu", Name: "王五", Title: "仓库主管", JobNumber: "E003",
				Mobile: "13800000003", DeptIDs: []int64{3}, Leads: []int64{3}, Active: true},
		},
	}
}

// call does one JSON request as the ERP would and decodes the answer.
func call(method, url, token string, in, out any) error {
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("x-acs-dingtalk-access-token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func seed(base string) error {
	var tok struct{ AccessToken string }
	if err := call("POST", base+"/v1.0/oauth2/accessToken", "", map[string]string{"appKey": appKey, "appSecret": appSecret}, &tok); err != nil {
		return err
	}
	t := tok.AccessToken
	approvals := []map[string]any{
		{"processCode": "PROC-SALES-DISCOUNT", "originatorUserId": "lisi", "deptId": 4, "formComponentValues": []map[string]string{
			{"name": "审批类型", "value": "销售订单折扣"}, {"name": "订单号", "value": "SO-20240518-001"},
			{"name": "客户", "value": "上海宏达贸易"}, {"name": "折扣", "value": "85%"}, {"name": "金额", "value": "¥12,800.00"}}},
		{"processCode": "PROC-PURCHASE", "originatorUserId": "wangwu", "deptId": 3, "formComponentValues": []map[string]string{
			{"name": "审批类型", "value": "采购申请"}, {"name": "请购单号", "value": "PR-20240518-007"},
			{"name": "物料", "value": "A4 打印纸 ×50 箱"}}},
	}
	for _, a := range approvals {
		if err := call("POST", base+"/v1.0/workflow/processInstances", t, a, nil); err != nil {
			return err
		}
	}
	cards := []struct {
		id, user string
		params   map[string]string
	}{
		{"approval-SO-20240518-001", "zhangsan", map[string]string{"title": "待审批：销售订单折扣",
			"content": "**订单** SO-20240518-001\n**客户** 上海宏达贸易\n- 折扣：85%\n- 金额：¥12,800.00",
			"status":  "pending", "status_text": "待您审批"}},
		{"approval-PO-20240518-003", "lisi", map[string]string{"title": "待审批：采购订单 PO-20240518-003",
			"content": "**采购订单** PO-20240518-003\n\n供应商：晨光文具\n\n金额：¥3,200.00", "status": "pending", "status_text": "待审批"}},
		{"lowstock-WH1-A4", "wangwu", map[string]string{"title": "低库存提醒",
			"content": "### 主仓库\n- `SKU-A4-80G` A4 打印纸：剩余 **3** 箱（安全库存 20）", "status": "open", "status_text": "待处理"}},
	}
	for _, c := range cards {
		in := map[string]any{"cardTemplateId": "tpl-erpd-" + c.id[:8], "outTrackId": c.id, "callbackType": "STREAM",
			"cardData": map[string]any{"cardParamMap": c.params}, "openSpaceId": "dtv1.card//IM_ROBOT." + c.user,
			"imRobotOpenDeliverModel": map[string]any{"spaceType": "IM_ROBOT", "robotCode": robotCode}}
		if err := call("POST", base+"/v1.0/card/instances/createAndDeliver", t, in, nil); err != nil {
			return err
		}
	}
	notice := map[string]any{"agent_id": 1, "userid_list": "zhangsan,lisi", "msg": map[string]any{"msgtype": "markdown",
		"markdown": map[string]string{"title": "库存日报", "text": "## 今日库存\n- 入库 **12** 单\n- 出库 **9** 单\n\n详见 ERP。"}}}
	return call("POST", base+"/topapi/message/corpconversation/asyncsend_v2?access_token="+t, "", notice, nil)
}

type frame struct {
	Type    string            `json:"type"`
	Headers map[string]string `json:"headers"`
	Data    string            `json:"data"`
}

// fakeApp holds a stream connection as the ERP would, reconnecting while
// the gateway is down.
func fakeApp(ctx context.Context, base string) {
	for ctx.Err() == nil {
		if err := streamOnce(ctx, base); err != nil {
			log.Printf("fake app: %v", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

func streamOnce(ctx context.Context, base string) error {
	var ep struct{ Endpoint, Ticket string }
	if err := call("POST", base+"/v1.0/gateway/connections/open", "", map[string]any{"clientId": appKey, "clientSecret": appSecret,
		"subscriptions": []map[string]string{{"type": "EVENT", "topic": "*"}}}, &ep); err != nil {
		return err
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, ep.Endpoint+"?ticket="+ep.Ticket, nil)
	if err != nil {
		return err
	}
	defer ws.Close()
	go func() { <-ctx.Done(); ws.Close() }()
	for {
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			return err
		}
		data := `{"status":"SUCCESS"}`
		switch f.Headers["topic"] {
		case "/v1.0/card/instances/callback":
			data = clickAnswer(f.Data)
		case "/v1.0/im/bot/messages/get":
			go botAnswer(f.Data)
			data = `{"response":null}`
		}
		ack := map[string]any{"code": 200, "message": "OK", "data": data,
			"headers": map[string]string{"messageId": f.Headers["messageId"], "contentType": "application/json"}}
		if err := ws.WriteJSON(ack); err != nil {
			return err
		}
	}
}

// clickAnswer updates the card as the ERP would after a button press.
func clickAnswer(raw string) string {
	var cb struct{ UserID, Content string }
	// The sandbox sends userId; Go's decoder matches it case-insensitively.
	_ = json.Unmarshal([]byte(raw), &cb)
	var content struct {
		CardPrivateData struct {
			Params map[string]string `json:"params"`
		} `json:"cardPrivateData"`
	}
	_ = json.Unmarshal([]byte(cb.Content), &content)
	params := map[string]string{"message": ""}
	switch action := content.CardPrivateData.Params["action"]; {
	case cb.UserID == "lisi": // as the ERP answers someone not linked to an ERP user
		params = map[string]string{"message": "你的钉钉账号未绑定可用的 ERP 用户，请联系管理员"}
	case action == "approve":
		params = map[string]string{"message": "", "status": "approved", "status_text": "已同意（" + cb.UserID + "）"}
	case action == "reject":
		params = map[string]string{"message": "", "status": "rejected", "status_text": "已拒绝（" + cb.UserID + "）"}
	case action == "requisition":
		params = map[string]string{"message": "", "status": "done", "status_text": "已生成请购单 PR-20240518-008"}
	}
	b, _ := json.Marshal(map[string]any{"response": map[string]any{"cardData": map[string]any{"cardParamMap": params},
		"cardUpdateOptions": map[string]bool{"updateCardDataByKey": true}}})
	return string(b)
}

// botAnswer replies to 帮助 through the session webhook; anything else
// goes unanswered.
func botAnswer(raw string) {
	var m struct {
		SessionWebhook string
		Text           struct{ Content string }
	}
	_ = json.Unmarshal([]byte(raw), &m)
	if m.Text.Content != "帮助" {
		return
	}
	reply := map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": "帮助",
		"text": "### 可用命令\n- `库存 <SKU或名称>` 查库存\n- `订单 <单号>` 查订单\n- `待审批`、`今日销售`、`低库存`\n\n**提示**：这是测试桩的回复。"}}
	if err := call("POST", m.SessionWebhook, "", reply, nil); err != nil {
		log.Printf("fake app: reply: %v", err)
	}
}
