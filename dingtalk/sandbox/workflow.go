package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The OA approval (审批) endpoints of api.dingtalk.com, over instances the
// sandbox keeps. Approvers act through the inspector, which emits the
// bpms_task_change and bpms_instance_change events DingTalk would.

// FormValue is one field of an instance's form.
type FormValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Record is one step of an instance's history (operationRecords).
type Record struct {
	UserID string    `json:"userId"`
	Type   string    `json:"type"`
	Result string    `json:"result"`
	Remark string    `json:"remark"`
	Date   time.Time `json:"-"`
}

// Instance is an approval instance.
type Instance struct {
	ID          string      `json:"id"`
	ProcessCode string      `json:"process_code"`
	Originator  string      `json:"originator"`
	Title       string      `json:"title"`
	Status      string      `json:"status"` // RUNNING, COMPLETED, TERMINATED
	Result      string      `json:"result"` // agree, refuse
	Form        []FormValue `json:"form"`
	Records     []Record    `json:"records"`
	CreatedAt   time.Time   `json:"created_at"`
	FinishedAt  time.Time   `json:"finished_at"`
}

func (s *Sandbox) initWorkflow() {
	s.mux.HandleFunc("POST /v1.0/workflow/processInstances", s.api(s.createInstance))
	s.mux.HandleFunc("GET /v1.0/workflow/processInstances", s.api(s.getInstance))
	s.mux.HandleFunc("POST /v1.0/workflow/processInstances/terminate", s.api(s.terminateInstance))
	s.mux.HandleFunc("POST /v1.0/workflow/processes/instanceIds/query", s.api(s.queryInstanceIDs))
	s.mux.HandleFunc("GET /sandbox/approvals", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, s.Instances(r.URL.Query().Get("status")))
	})
	s.mux.HandleFunc("POST /sandbox/approvals/{id}/{action}", s.inspectApproval)
}

// api wraps an api.dingtalk.com handler: the token header, the QPS limit,
// the JSON body and DingTalk's {code, message, requestid} errors.
func (s *Sandbox) api(h func(r *http.Request, body map[string]any) (any, *apiErr)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.validToken(r.Header.Get("x-acs-dingtalk-access-token")) {
			apiError(w, 401, "InvalidAuthentication", "不合法的access_token")
			return
		}
		switch s.limited(r.URL.Path) {
		case -1:
			apiError(w, 500, "systemError", "系统繁忙")
			return
		case 90018:
			apiError(w, 403, "Forbidden.AccessDenied.QpsLimitForApi", "当前接口调用超过每秒限流阈值")
			return
		}
		body := map[string]any{}
		if r.Method != http.MethodGet {
			dec := json.NewDecoder(r.Body)
			dec.UseNumber()
			if err := dec.Decode(&body); err != nil {
				apiError(w, 400, "invalidParameter", "请求体不是合法的 JSON")
				return
			}
		}
		out, e := h(r, body)
		if _, ok := out.(lostAnswer); ok {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			apiError(w, 502, "sandboxLostAnswer", "answer lost")
			return
		}
		if e != nil {
			apiError(w, e.status, e.code, e.msg)
			return
		}
		writeJSON(w, 200, out)
	}
}

type apiErr struct {
	status    int
	code, msg string
}

func bad(code, format string, args ...any) *apiErr {
	return &apiErr{status: 400, code: code, msg: fmt.Sprintf(format, args...)}
}

func (s *Sandbox) validProcessCode(code string) bool {
	if len(s.opts.ProcessCodes) == 0 {
		return strings.HasPrefix(code, "PROC-")
	}
	for _, c := range s.opts.ProcessCodes {
		if c == code {
			return true
		}
	}
	return false
}

func (s *Sandbox) createInstance(r *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		ProcessCode      string      `json:"processCode"`
		OriginatorUserID string      `json:"originatorUserId"`
		DeptID           json.Number `json:"deptId"`
		Form             []FormValue `json:"formComponentValues"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	switch {
	case in.ProcessCode == "":
		return nil, bad("invalidParameter", "processCode 不能为空")
	case !s.validProcessCode(in.ProcessCode):
		return nil, bad("processCodeError", "processCode 不存在: %s", in.ProcessCode)
	case in.OriginatorUserID == "":
		return nil, bad("invalidParameter", "originatorUserId 不能为空")
	case len(in.Form) == 0 || len(in.Form) > 150:
		return nil, bad("formConverterError", "formComponentValues 需要 1–150 项")
	}
	for _, f := range in.Form {
		if f.Name == "" || len(f.Value) > 65535 {
			return nil, bad("formConverterError", "表单项 name 必填，value 最长 65535")
		}
	}
	s.mu.Lock()
	u, ok := s.users[in.OriginatorUserID]
	if !ok || !u.Active {
		s.mu.Unlock()
		return nil, bad("processInstanceInvalidParameter", "发起人 %s 不存在或未激活", in.OriginatorUserID)
	}
	now := s.opts.Now()
	inst := &Instance{ID: randomHex(12), ProcessCode: in.ProcessCode, Originator: u.UserID, Status: "RUNNING",
		Title: u.Name + "提交的审批", Form: in.Form, CreatedAt: now,
		Records: []Record{{UserID: u.UserID, Type: "START_PROCESS_INSTANCE", Result: "NONE", Date: now}}}
	if len(in.Form) > 0 {
		inst.Title = u.Name + "提交的" + in.Form[0].Value
	}
	s.instances[inst.ID] = inst
	lost := s.lostStarts > 0
	if lost {
		s.lostStarts--
	}
	s.mu.Unlock()
	s.pushInstance(inst, "start", "")
	if lost {
		return lostAnswer{}, nil
	}
	return map[string]string{"instanceId": inst.ID}, nil
}

// lostAnswer makes api close the connection instead of answering.
type lostAnswer struct{}

// queryInstanceIDs is 获取审批实例ID列表: the ids of one process's instances
// started in [startTime, endTime], optionally by some originators and in
// some states, oldest first, at most 20 a page, paged by nextToken.
func (s *Sandbox) queryInstanceIDs(r *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		ProcessCode string      `json:"processCode"`
		StartTime   json.Number `json:"startTime"`
		EndTime     json.Number `json:"endTime"`
		NextToken   json.Number `json:"nextToken"`
		MaxResults  json.Number `json:"maxResults"`
		UserIDs     []string    `json:"userIds"`
		Statuses    []string    `json:"statuses"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	start, err := in.StartTime.Int64()
	if err != nil {
		return nil, bad("invalidParameter", "startTime 不能为空")
	}
	end := s.opts.Now().UnixMilli()
	if in.EndTime != "" {
		if end, err = in.EndTime.Int64(); err != nil {
			return nil, bad("invalidParameter", "endTime 格式错误")
		}
	}
	next, max := int64(0), int64(20)
	if in.NextToken != "" {
		if next, err = in.NextToken.Int64(); err != nil || next < 0 {
			return nil, bad("invalidParameter", "nextToken 格式错误")
		}
	}
	if in.MaxResults != "" {
		if max, err = in.MaxResults.Int64(); err != nil || max < 1 || max > 20 {
			return nil, bad("invalidParameter", "maxResults 取值 1–20")
		}
	}
	switch {
	case !s.validProcessCode(in.ProcessCode):
		return nil, bad("processCodeError", "processCode 不存在: %s", in.ProcessCode)
	case end < start:
		return nil, bad("invalidParameter", "endTime 不能早于 startTime")
	case s.opts.Now().Sub(time.UnixMilli(start)) > 120*24*time.Hour:
		return nil, bad("invalidParameter", "startTime 距当前时间不能超过 120 天")
	case len(in.UserIDs) > 10:
		return nil, bad("invalidParameter", "userIds 最多 10 个")
	}
	s.mu.Lock()
	var match []*Instance
	for _, inst := range s.instances {
		ms := inst.CreatedAt.UnixMilli()
		if inst.ProcessCode != in.ProcessCode || ms < start || ms > end {
			continue
		}
		if len(in.UserIDs) > 0 && !contains(in.UserIDs, inst.Originator) {
			continue
		}
		if len(in.Statuses) > 0 && !contains(in.Statuses, inst.Status) {
			continue
		}
		match = append(match, inst)
	}
	s.mu.Unlock()
	sort.Slice(match, func(i, j int) bool {
		if !match[i].CreatedAt.Equal(match[j].CreatedAt) {
			return match[i].CreatedAt.Before(match[j].CreatedAt)
		}
		return match[i].ID < match[j].ID
	})
	list := []string{}
	for i := next; i < int64(len(match)) && i < next+max; i++ {
		list = append(list, match[i].ID)
	}
	result := map[string]any{"list": list}
	if next+max < int64(len(match)) {
		result["nextToken"] = fmt.Sprint(next + max)
	}
	return map[string]any{"result": result, "success": true}, nil
}

func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// DingTalk's instance times: "2022-08-31T11:52Z".
func ddTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04Z")
}

func (s *Sandbox) getInstance(r *http.Request, _ map[string]any) (any, *apiErr) {
	id := r.URL.Query().Get("processInstanceId")
	s.mu.Lock()
	defer s.mu.Unlock()
	inst, ok := s.instances[id]
	if !ok {
		return nil, bad("aflowProcessInstNotExist", "审批实例不存在")
	}
	recs := make([]map[string]any, len(inst.Records))
	for i, rec := range inst.Records {
		recs[i] = map[string]any{"userId": rec.UserID, "date": ddTime(rec.Date), "type": rec.Type, "result": rec.Result,
			"remark": rec.Remark, "attachments": []any{}, "images": []any{}}
	}
	form := make([]map[string]any, len(inst.Form))
	for i, f := range inst.Form {
		form[i] = map[string]any{"name": f.Name, "value": f.Value, "componentType": "TextField"}
	}
	return map[string]any{"success": true, "result": map[string]any{
		"title": inst.Title, "createTime": ddTime(inst.CreatedAt), "finishTime": ddTime(inst.FinishedAt),
		"originatorUserId": inst.Originator, "originatorDeptId": "-1", "status": inst.Status, "result": inst.Result,
		"businessId": inst.ID, "bizAction": "NONE", "formComponentValues": form, "operationRecords": recs,
		"tasks": []any{}, "approverUserIds": []string{}, "ccUserIds": []string{}}}, nil
}

func (s *Sandbox) terminateInstance(r *http.Request, body map[string]any) (any, *apiErr) {
	var in struct {
		ID       string `json:"processInstanceId"`
		IsSystem bool   `json:"isSystem"`
		Remark   string `json:"remark"`
		Operator string `json:"operatingUserId"`
	}
	if err := remarshal(body, &in); err != nil {
		return nil, bad("invalidParameter", "参数格式错误: %v", err)
	}
	s.mu.Lock()
	inst, ok := s.instances[in.ID]
	switch {
	case !ok:
		s.mu.Unlock()
		return nil, bad("aflowProcessInstNotExist", "审批实例不存在")
	case inst.Status != "RUNNING":
		s.mu.Unlock()
		return nil, bad("aflowProcessInstStatusException", "只有审批中的实例可以撤销")
	case !in.IsSystem && in.Operator != inst.Originator:
		s.mu.Unlock()
		return nil, bad("invalidInstanceTerminateOperatingUserId", "只有发起人可以撤销")
	case s.opts.Now().Sub(inst.CreatedAt) < s.opts.RevokeDelay:
		s.mu.Unlock()
		return nil, bad("processInstanceTerminateFailed", "发起后 %s 内不能撤销", s.opts.RevokeDelay)
	}
	s.finish(inst, "TERMINATED", "", Record{UserID: in.Operator, Type: "TERMINATE_PROCESS_INSTANCE", Result: "NONE", Remark: in.Remark})
	s.mu.Unlock()
	s.pushInstance(inst, "terminate", "")
	return map[string]any{"result": true, "success": true}, nil
}

// finish ends an instance; s.mu is held.
func (s *Sandbox) finish(inst *Instance, status, result string, rec Record) {
	now := s.opts.Now()
	rec.Date = now
	inst.Status, inst.Result, inst.FinishedAt = status, result, now
	inst.Records = append(inst.Records, rec)
}

func (s *Sandbox) pushInstance(inst *Instance, typ, result string) {
	data := map[string]any{"processInstanceId": inst.ID, "processCode": inst.ProcessCode, "corpId": "dingsandboxcorp",
		"title": inst.Title, "type": typ, "staffId": inst.Originator, "businessId": inst.ID, "bizCategoryId": "",
		"url":        "https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm#/approval?procInstId=" + inst.ID,
		"createTime": inst.CreatedAt.UnixMilli()}
	if typ != "start" {
		data["finishTime"] = inst.FinishedAt.UnixMilli()
	}
	if result != "" {
		data["result"] = result
	}
	_, _ = s.PushEvent("bpms_instance_change", data)
}

// Instances lists approval instances, newest first, optionally of one status.
func (s *Sandbox) Instances(status string) []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Instance{}
	for _, inst := range s.instances {
		if status == "" || strings.EqualFold(inst.Status, status) {
			c := *inst
			c.Form = append([]FormValue(nil), inst.Form...)
			c.Records = append([]Record(nil), inst.Records...)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// Decide has approver agree to or refuse a running instance, as they would
// in the DingTalk app: the task and instance events are pushed.
func (s *Sandbox) Decide(id, approver string, agree bool, remark string) error {
	s.mu.Lock()
	inst, ok := s.instances[id]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("审批实例 %s 不存在", id)
	}
	if inst.Status != "RUNNING" {
		s.mu.Unlock()
		return fmt.Errorf("审批实例 %s 已结束 (%s)", id, inst.Status)
	}
	if _, ok := s.users[approver]; !ok {
		s.mu.Unlock()
		return fmt.Errorf("用户 %s 不存在", approver)
	}
	result, taskResult := "agree", "AGREE"
	if !agree {
		result, taskResult = "refuse", "REFUSE"
	}
	s.finish(inst, "COMPLETED", result, Record{UserID: approver, Type: "EXECUTE_TASK_NORMAL", Result: taskResult, Remark: remark})
	c := *inst
	s.mu.Unlock()
	_, _ = s.PushEvent("bpms_task_change", map[string]any{"processInstanceId": c.ID, "processCode": c.ProcessCode,
		"corpId": "dingsandboxcorp", "title": c.Title, "type": "finish", "result": result, "staffId": approver,
		"taskId": c.FinishedAt.UnixNano(), "remark": remark, "createTime": c.CreatedAt.UnixMilli(), "finishTime": c.FinishedAt.UnixMilli()})
	s.pushInstance(&c, "finish", result)
	return nil
}

// Revoke has the originator withdraw a running instance in DingTalk.
func (s *Sandbox) Revoke(id, remark string) error {
	s.mu.Lock()
	inst, ok := s.instances[id]
	if !ok || inst.Status != "RUNNING" {
		s.mu.Unlock()
		return fmt.Errorf("审批实例 %s 不存在或已结束", id)
	}
	s.finish(inst, "TERMINATED", "", Record{UserID: inst.Originator, Type: "TERMINATE_PROCESS_INSTANCE", Result: "NONE", Remark: remark})
	c := *inst
	s.mu.Unlock()
	s.pushInstance(&c, "terminate", "")
	return nil
}

func (s *Sandbox) inspectApproval(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userid"`
		Remark string `json:"remark"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	id := r.PathValue("id")
	var err error
	switch r.PathValue("action") {
	case "approve", "refuse":
		if in.UserID == "" {
			writeJSON(w, 400, map[string]string{"error": "body: {\"userid\": \"审批人\", \"remark\": \"…\"}"})
			return
		}
		err = s.Decide(id, in.UserID, r.PathValue("action") == "approve", in.Remark)
	case "terminate":
		err = s.Revoke(id, in.Remark)
	default:
		writeJSON(w, 404, map[string]string{"error": "action: approve, refuse or terminate"})
		return
	}
	if err != nil {
		writeJSON(w, 409, map[string]string{"error": err.Error()})
		return
	}
	for _, inst := range s.Instances("") {
		if inst.ID == id {
			writeJSON(w, 200, inst)
			return
		}
	}
}
