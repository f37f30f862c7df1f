package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// What the sandbox carries between the app and people: work notifications,
// robot messages, session-webhook replies to bot messages, and interactive
// cards with their button clicks.

// Message is one message the app sent, as a person would see it.
type Message struct {
	Kind string `json:"kind"` // work_notice, robot, group, reply
	// To lists the users it reached (a reply goes to whoever wrote).
	To           []string        `json:"to"`
	Conversation string          `json:"conversation,omitempty"`
	MsgType      string          `json:"msgtype"`
	Title        string          `json:"title"`
	Text         string          `json:"text"`
	Raw          json.RawMessage `json:"raw"`
	At           time.Time       `json:"at"`
}

// CardInstance is an interactive card as delivered and last updated.
type CardInstance struct {
	OutTrackID string            `json:"out_track_id"`
	TemplateID string            `json:"template_id"`
	UserID     string            `json:"userid"`
	Params     map[string]string `json:"params"`
	Updates    int               `json:"updates"`
	CreatedAt  time.Time         `json:"created_at"`
}

type session struct {
	userID  string
	expires time.Time
	replies chan Message
}

func (s *Sandbox) initMessaging() {
	s.mux.HandleFunc("POST /topapi/message/corpconversation/asyncsend_v2", s.oapi(s.workNotice))
	s.mux.HandleFunc("POST /v1.0/robot/oToMessages/batchSend", s.api(s.robotBatchSend))
	s.mux.HandleFunc("POST /v1.0/robot/groupMessages/send", s.api(s.robotGroupSend))
	s.mux.HandleFunc("POST /robot/sendBySession", s.sessionReply)
	s.mux.HandleFunc("POST /v1.0/card/instances/createAndDeliver", s.api(s.createCard))
	s.mux.HandleFunc("PUT /v1.0/card/instances", s.api(s.updateCard))
	s.mux.HandleFunc("GET /sandbox/messages", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, s.Messages(r.URL.Query().Get("userid"), r.URL.Query().Get("kind")))
	})
	s.mux.HandleFunc("GET /sandbox/cards", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, s.Cards(r.URL.Query().Get("userid")))
	})
	s.mux.HandleFunc("POST /sandbox/cards/{id}/click", s.inspectClick)
	s.mux.HandleFunc("POST /sandbox/bot/messages", s.inspectChat)
}

func (s *Sandbox) record(m Message) Message {
	m.At = s.opts.Now()
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	return m
}

// Messages returns what was sent to a user (all users when empty), of one
// kind (all when empty), oldest first.
func (s *Sandbox) Messages(userID, kind string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Message{}
	for _, m := range s.messages {
		if kind != "" && m.Kind != kind {
			continue
		}
		if userID != "" && !contains(m.To, userID) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// workNotice is /topapi/message/corpconversation/asyncsend_v2.
func (s *Sandbox) workNotice(body map[string]any) (any, int, string) {
	agent, ok := num(body, "agent_id")
	if !ok {
		return nil, 40035, "缺少参数 agent_id"
	}
	if s.opts.AgentID != 0 && agent != s.opts.AgentID {
		return nil, 40056, "不合法的agentid"
	}
	list, _ := body["userid_list"].(string)
	msg, _ := body["msg"].(map[string]any)
	mt, _ := msg["msgtype"].(string)
	if list == "" || mt == "" {
		return nil, 40035, "缺少参数 userid_list 或 msg"
	}
	users := strings.Split(list, ",")
	if len(users) > 100 {
		return nil, 40035, "userid_list 最多 100 个"
	}
	raw, _ := json.Marshal(msg)
	if len(raw) > 2048+5000 {
		return nil, 40035, "消息内容过长"
	}
	title, text := messageText(mt, msg[mt])
	var to []string
	s.mu.Lock()
	for _, u := range users {
		if _, ok := s.users[u]; ok {
			to = append(to, u)
		}
	}
	s.mu.Unlock()
	s.record(Message{Kind: "work_notice", To: to, MsgType: mt, Title: title, Text: text, Raw: raw})
	// DingTalk answers task_id beside errcode, not under result.
	return topLevel{"task_id": time.Now().UnixNano()}, 0, ""
}

// topLevel is an oapi answer whose fields sit beside errcode.
type topLevel map[string]any

func messageText(mt string, body any) (title, text string) {
	m, _ := body.(map[string]any)
	str := func(k string) string { v, _ := m[k].(string); return v }
	switch mt {
	case "text", "sampleText":
		return "", str("content")
	case "markdown", "sampleMarkdown":
		return str("title"), str("text")
	case "action_card":
		return str("title"), str("markdown")
	}
	b, _ := json.Marshal(body)
	return mt, string(b)
}

func (s *Sandbox) checkRobot(code string) *apiErr {
	if code == "" {
		return bad("miss.param.robotCode", "robotCode 不能为空")
	}
	if s.opts.RobotCode != "" && code != s.opts.RobotCode {
		return bad("invalidParameter.robotCode.notExsit", "robotCode 不存在")
	}
	return nil
}

// robotParam decodes msgParam, which DingTalk wants as a JSON string.
func robotParam(key, param string) (title, text string, e *apiErr) {
	switch key {
	case "sampleText", "sampleMarkdown", "sampleLink", "sampleActionCard":
	default:
		return "", "", bad("invalidParameter.msgKey.invalid", "不支持的 msgKey %s", key)
	}
	var m map[string]any
	if json.Unmarshal([]byte(param), &m) != nil {
		return "", "", bad("invalidParameter.msgParam.invalid", "msgParam 须为 JSON 字符串")
	}
	title, text = messageText(key, m)
	return title, text, nil
}

func (s *Sandbox) robotBatchSend(_ *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		RobotCode string   `json:"robotCode"`
		UserIDs   []string `json:"userIds"`
		MsgKey    string   `json:"msgKey"`
		MsgParam  string   `json:"msgParam"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	if e := s.checkRobot(in.RobotCode); e != nil {
		return nil, e
	}
	if len(in.UserIDs) == 0 || len(in.UserIDs) > 20 {
		return nil, bad("invalidParameter.userIds.overMax", "userIds 需要 1–20 个")
	}
	title, text, e := robotParam(in.MsgKey, in.MsgParam)
	if e != nil {
		return nil, e
	}
	var to, invalid []string
	s.mu.Lock()
	for _, u := range in.UserIDs {
		if _, ok := s.users[u]; ok {
			to = append(to, u)
		} else {
			invalid = append(invalid, u)
		}
	}
	s.mu.Unlock()
	s.record(Message{Kind: "robot", To: to, MsgType: in.MsgKey, Title: title, Text: text, Raw: json.RawMessage(in.MsgParam)})
	if invalid == nil {
		invalid = []string{}
	}
	return map[string]any{"processQueryKey": randomHex(16), "invalidStaffIdList": invalid, "flowControlledStaffIdList": []string{}}, nil
}

func (s *Sandbox) robotGroupSend(_ *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		RobotCode          string `json:"robotCode"`
		OpenConversationID string `json:"openConversationId"`
		MsgKey             string `json:"msgKey"`
		MsgParam           string `json:"msgParam"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	if e := s.checkRobot(in.RobotCode); e != nil {
		return nil, e
	}
	if in.OpenConversationID == "" {
		return nil, bad("miss.param.openConversationId", "openConversationId 不能为空")
	}
	if len(in.MsgParam) > 15000 {
		return nil, bad("invalidParameter.msgParam.invalid", "msgParam 最长 15000 字节")
	}
	title, text, e := robotParam(in.MsgKey, in.MsgParam)
	if e != nil {
		return nil, e
	}
	s.record(Message{Kind: "group", Conversation: in.OpenConversationID, MsgType: in.MsgKey, Title: title, Text: text,
		Raw: json.RawMessage(in.MsgParam)})
	return map[string]any{"processQueryKey": randomHex(16)}, nil
}

// sessionReply is the session webhook a bot message carries: no token, the
// session itself is the credential until it expires.
func (s *Sandbox) sessionReply(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("session")
	s.mu.Lock()
	sess, ok := s.sessions[id]
	s.mu.Unlock()
	if !ok || !s.opts.Now().Before(sess.expires) {
		writeJSON(w, 200, map[string]any{"errcode": 300001, "errmsg": "session 不存在或已过期"})
		return
	}
	var body map[string]any
	raw, err := readAll(r, 1<<20)
	if err != nil || json.Unmarshal(raw, &body) != nil {
		writeJSON(w, 200, map[string]any{"errcode": 40035, "errmsg": "缺少参数或参数格式错误"})
		return
	}
	mt, _ := body["msgtype"].(string)
	switch mt {
	case "text", "markdown", "actionCard", "link", "feedCard":
	default:
		writeJSON(w, 200, map[string]any{"errcode": 40035, "errmsg": "不支持的 msgtype"})
		return
	}
	title, text := messageText(mt, body[mt])
	m := s.record(Message{Kind: "reply", To: []string{sess.userID}, Conversation: id, MsgType: mt, Title: title, Text: text, Raw: raw})
	select {
	case sess.replies <- m:
	default:
	}
	writeJSON(w, 200, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// Chat sends text to the bot as a user, as a one-to-one message would
// arrive in the app, and waits up to timeout for the bot's reply.
func (s *Sandbox) Chat(userID, text string, timeout time.Duration) (Message, error) {
	return s.chat(userID, text, false, timeout)
}

// ChatInGroup sends text to the bot in a group chat (conversationType 2),
// where the reply is seen by every member.
func (s *Sandbox) ChatInGroup(userID, text string, timeout time.Duration) (Message, error) {
	return s.chat(userID, text, true, timeout)
}

func (s *Sandbox) chat(userID, text string, group bool, timeout time.Duration) (Message, error) {
	s.mu.Lock()
	u, ok := s.users[userID]
	base := s.baseURL
	s.mu.Unlock()
	if !ok {
		return Message{}, fmt.Errorf("用户 %s 不存在", userID)
	}
	if base == "" {
		return Message{}, fmt.Errorf("sandbox: base URL unknown (no request served yet)")
	}
	now := s.opts.Now()
	sid := randomHex(16)
	sess := &session{userID: userID, expires: now.Add(90 * time.Minute), replies: make(chan Message, 4)}
	s.mu.Lock()
	s.sessions[sid] = sess
	s.mu.Unlock()
	conv, convType, title := "cid"+userID, "1", ""
	if group {
		conv, convType, title = "cidgroupsandbox", "2", "沙盒工作群"
	}
	data := map[string]any{
		"conversationId": conv, "conversationType": convType, "conversationTitle": title,
		"chatbotCorpId": "dingsandboxcorp", "chatbotUserId": "$:LWCP_v1:$robot", "robotCode": s.opts.RobotCode,
		"msgId": "msg" + randomHex(10), "senderNick": u.Name, "isAdmin": u.Admin, "senderStaffId": u.UserID,
		"senderId": "$:LWCP_v1:$" + u.UserID, "senderCorpId": "dingsandboxcorp", "senderPlatform": "Mac",
		"sessionWebhook": base + "/robot/sendBySession?session=" + sid, "sessionWebhookExpiredTime": sess.expires.UnixMilli(),
		"createAt": now.UnixMilli(), "isInAtList": true, "atUsers": []any{},
		"msgtype": "text", "text": map[string]string{"content": text},
	}
	if _, err := s.PushCallback("/v1.0/im/bot/messages/get", data); err != nil {
		return Message{}, err
	}
	select {
	case m := <-sess.replies:
		return m, nil
	case <-time.After(timeout):
		return Message{}, fmt.Errorf("机器人 %s 内没有回复", timeout)
	}
}

func (s *Sandbox) inspectChat(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userid"`
		Text   string `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.UserID == "" {
		writeJSON(w, 400, map[string]string{"error": "body: {\"userid\": \"…\", \"text\": \"库存 SKU\"}"})
		return
	}
	m, err := s.Chat(in.UserID, in.Text, 10*time.Second)
	if err != nil {
		writeJSON(w, 504, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, 200, m)
}

func (s *Sandbox) createCard(_ *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		TemplateID   string `json:"cardTemplateId"`
		OutTrackID   string `json:"outTrackId"`
		OpenSpaceID  string `json:"openSpaceId"`
		CallbackType string `json:"callbackType"`
		CardData     struct {
			CardParamMap map[string]any `json:"cardParamMap"`
		} `json:"cardData"`
		RobotDeliver *struct {
			SpaceType string `json:"spaceType"`
			RobotCode string `json:"robotCode"`
		} `json:"imRobotOpenDeliverModel"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	switch {
	case in.TemplateID == "":
		return nil, bad("param.cardTemplateIdEmpty", "cardTemplateId 不能为空")
	case in.OutTrackID == "":
		return nil, bad("param.outTrackIdEmpty", "outTrackId 不能为空")
	case in.CallbackType != "" && in.CallbackType != "STREAM" && in.CallbackType != "HTTP":
		return nil, bad("invalidParameter", "callbackType 只能是 STREAM 或 HTTP")
	}
	const prefix = "dtv1.card//"
	space := strings.TrimPrefix(in.OpenSpaceID, prefix)
	typ, userID, ok := strings.Cut(space, ".")
	if !strings.HasPrefix(in.OpenSpaceID, prefix) || !ok || !strings.EqualFold(typ, "IM_ROBOT") {
		return nil, bad("param.openSpaceIdInvalid", "openSpaceId 无效（沙盒支持 dtv1.card//IM_ROBOT.<userId>）")
	}
	if in.RobotDeliver == nil {
		return nil, bad("param.openDeliverModelEmpty", "缺少 imRobotOpenDeliverModel")
	}
	if e := s.checkRobot(in.RobotDeliver.RobotCode); e != nil {
		return nil, e
	}
	params := map[string]string{}
	for k, v := range in.CardData.CardParamMap {
		if str, ok := v.(string); ok {
			params[k] = str
		} else {
			b, _ := json.Marshal(v)
			params[k] = string(b)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cards[in.OutTrackID]; ok {
		return nil, bad("param.cardAlreadyExist", "outTrackId 已存在")
	}
	_, known := s.users[userID]
	if known {
		s.cards[in.OutTrackID] = &CardInstance{OutTrackID: in.OutTrackID, TemplateID: in.TemplateID, UserID: userID,
			Params: params, CreatedAt: s.opts.Now()}
		s.cardOrder = append(s.cardOrder, in.OutTrackID)
	}
	errMsg := ""
	if !known {
		errMsg = "用户不存在"
	}
	return map[string]any{"success": true, "result": map[string]any{"outTrackId": in.OutTrackID,
		"deliverResults": []map[string]any{{"spaceType": "IM_ROBOT", "spaceId": userID, "success": known,
			"carrierId": randomHex(8), "errorMsg": errMsg}}}}, nil
}

func (s *Sandbox) updateCard(_ *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		OutTrackID string `json:"outTrackId"`
		CardData   *struct {
			CardParamMap map[string]string `json:"cardParamMap"`
		} `json:"cardData"`
		Options struct {
			ByKey bool `json:"updateCardDataByKey"`
		} `json:"cardUpdateOptions"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	if in.CardData == nil {
		return nil, bad("param.cardDataAndPrivateDataBothEmpty", "cardData 与 privateData 不能都为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cards[in.OutTrackID]
	if !ok {
		return nil, bad("param.cardNotExist", "卡片不存在")
	}
	applyCardData(c, in.CardData.CardParamMap, in.Options.ByKey)
	return map[string]any{"success": true, "result": true}, nil
}

// copy is a card the caller may keep: its parameters are its own, not the
// sandbox's map that later updates change.
func (c *CardInstance) copy() CardInstance {
	cp := *c
	cp.Params = make(map[string]string, len(c.Params))
	for k, v := range c.Params {
		cp.Params[k] = v
	}
	return cp
}

func applyCardData(c *CardInstance, params map[string]string, byKey bool) {
	if !byKey {
		c.Params = map[string]string{}
	}
	for k, v := range params {
		c.Params[k] = v
	}
	c.Updates++
}

// Cards returns the cards delivered to a user (all users when empty), in
// the order they were sent.
func (s *Sandbox) Cards(userID string) []CardInstance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []CardInstance{}
	for _, id := range s.cardOrder {
		c := s.cards[id]
		if userID == "" || c.UserID == userID {
			out = append(out, c.copy())
		}
	}
	return out
}

// Click presses a card button as userID: the callback goes to the app over
// the stream, and what the app answers updates the card, as in DingTalk.
func (s *Sandbox) Click(outTrackID, userID, action string, timeout time.Duration) (CardInstance, error) {
	s.mu.Lock()
	c, ok := s.cards[outTrackID]
	s.mu.Unlock()
	if !ok {
		return CardInstance{}, fmt.Errorf("卡片 %s 不存在", outTrackID)
	}
	content, _ := json.Marshal(map[string]any{"cardPrivateData": map[string]any{"actionIds": []string{action},
		"params": map[string]string{"action": action}}})
	id, err := s.PushCallback("/v1.0/card/instances/callback", map[string]any{"type": "actionCallback",
		"outTrackId": outTrackID, "corpId": "dingsandboxcorp", "userId": userID, "userIdType": 1,
		"spaceType": "IM_ROBOT", "spaceId": c.UserID, "extension": "{}", "content": string(content), "value": string(content)})
	if err != nil {
		return CardInstance{}, err
	}
	ack, ok := s.WaitAck(id, timeout)
	if !ok {
		return CardInstance{}, fmt.Errorf("卡片回调 %s 内没有应答", timeout)
	}
	if ack.Code != 200 {
		return CardInstance{}, fmt.Errorf("卡片回调失败: %d %s", ack.Code, ack.Message)
	}
	var resp struct {
		Response *struct {
			CardData *struct {
				CardParamMap map[string]string `json:"cardParamMap"`
			} `json:"cardData"`
			Options *struct {
				ByKey bool `json:"updateCardDataByKey"`
			} `json:"cardUpdateOptions"`
		} `json:"response"`
	}
	_ = json.Unmarshal([]byte(ack.Data), &resp)
	s.mu.Lock()
	defer s.mu.Unlock()
	if resp.Response != nil && resp.Response.CardData != nil {
		applyCardData(c, resp.Response.CardData.CardParamMap, resp.Response.Options != nil && resp.Response.Options.ByKey)
	}
	return c.copy(), nil
}

func (s *Sandbox) inspectClick(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userid"`
		Action string `json:"action"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.UserID == "" || in.Action == "" {
		writeJSON(w, 400, map[string]string{"error": "body: {\"userid\": \"…\", \"action\": \"approve\"}"})
		return
	}
	c, err := s.Click(r.PathValue("id"), in.UserID, in.Action, 10*time.Second)
	if err != nil {
		writeJSON(w, 409, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, 200, c)
}

func readAll(r *http.Request, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, limit))
}
