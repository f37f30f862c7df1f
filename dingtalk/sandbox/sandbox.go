// Package sandbox is a DingTalk stand-in that speaks DingTalk's real wire
// protocol — both OpenAPI hosts, their auth, envelopes, error shapes and QPS
// limit — over a configurable organisation, so erpd's DingTalk code runs
// unchanged against it in development, demos and tests. An inspector API
// under /sandbox/ lets a person or a test act as DingTalk users.
package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a sandbox.
type Options struct {
	AppKey    string
	AppSecret string
	// QPSLimit is DingTalk's per-app, per-API limit; 0 turns it off.
	QPSLimit int
	// TokenTTL is the access token lifetime (DingTalk: 7200 s).
	TokenTTL time.Duration
	Org      Org
	Now      func() time.Time
	// AgentID and RobotCode are the app's; when set, calls naming another
	// are refused as DingTalk would.
	AgentID   int64
	RobotCode string
	// ProcessCodes are the OA process templates that exist; empty accepts
	// any code starting with "PROC-".
	ProcessCodes []string
	// RevokeDelay is how soon after its start an instance may be revoked
	// (DingTalk: 15 s); 0 allows it at once.
	RevokeDelay time.Duration
	// BaseURL is where the sandbox is reached (session webhooks point
	// there); empty learns it from the first request.
	BaseURL string
	// CorpID is the organisation's corpId (OAuth2 answers name it).
	CorpID string
	// Redeliver is how long an unacked event waits before it is pushed
	// again (DingTalk: about a minute).
	Redeliver time.Duration
}

// Department is a department of the sandbox org.
type Department struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	ParentID int64    `json:"parent_id"`
	Managers []string `json:"managers"`
}

// User is a user of the sandbox org. Leads lists the departments the user
// leads (leader_in_dept).
type User struct {
	UserID    string  `json:"userid"`
	UnionID   string  `json:"unionid"`
	Name      string  `json:"name"`
	Title     string  `json:"title"`
	JobNumber string  `json:"job_number"`
	Mobile    string  `json:"mobile"`
	Email     string  `json:"email"`
	DeptIDs   []int64 `json:"dept_ids"`
	Leads     []int64 `json:"leads"`
	Active    bool    `json:"active"`
	Admin     bool    `json:"admin"`
}

// Org is the organisation the sandbox serves. Department 1 is the root.
type Org struct {
	Departments []Department
	Users       []User
}

// Call is one request the sandbox received, for tests to assert on.
type Call struct {
	Method string
	Path   string
	At     time.Time
}

type authCode struct {
	userID  string
	expires time.Time
}

// Sandbox is a running DingTalk stand-in.
type Sandbox struct {
	opts     Options
	mu       sync.Mutex
	depts    map[int64]*Department
	users    map[string]*User
	token    string
	tokenExp time.Time
	codes    map[string]authCode
	busy     int // answer this many calls with -1 系统繁忙
	window   map[string]int
	windowAt int64
	calls    []Call
	// jsapiTicket signs H5 pages' dd.config until jsapiExpires.
	jsapiTicket  string
	jsapiExpires time.Time
	mux          *http.ServeMux
	gw           *gateway
	down         bool
	baseURL      string

	instances map[string]*Instance
	// lostStarts is how many of the next instance starts succeed with
	// their answer lost: the connection closes before the reply, as when
	// the caller dies or the network cuts mid-call.
	lostStarts int
	messages   []Message
	sessions   map[string]*session
	cards      map[string]*CardInstance
	cardOrder  []string

	oauthCodes map[string]oauthCode
	userTokens map[string]userToken
}

// New returns a sandbox over opts.Org.
func New(opts Options) *Sandbox {
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 7200 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Sandbox{opts: opts, depts: map[int64]*Department{}, users: map[string]*User{}, codes: map[string]authCode{}, window: map[string]int{},
		instances: map[string]*Instance{}, sessions: map[string]*session{}, cards: map[string]*CardInstance{}, baseURL: opts.BaseURL,
		oauthCodes: map[string]oauthCode{}, userTokens: map[string]userToken{}}
	s.depts[1] = &Department{ID: 1, Name: "根部门"}
	for i := range opts.Org.Departments {
		d := opts.Org.Departments[i]
		s.depts[d.ID] = &d
	}
	for i := range opts.Org.Users {
		u := opts.Org.Users[i]
		if u.UnionID == "" {
			u.UnionID = "union" + u.UserID // every DingTalk account has one
		}
		s.users[u.UserID] = &u
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /gettoken", s.oapiToken)
	s.mux.HandleFunc("POST /v1.0/oauth2/accessToken", s.apiToken)
	s.mux.HandleFunc("POST /topapi/v2/user/getuserinfo", s.oapi(s.userInfo))
	s.mux.HandleFunc("POST /topapi/v2/department/listsub", s.oapi(s.listSub))
	s.mux.HandleFunc("POST /topapi/v2/department/get", s.oapi(s.getDept))
	s.mux.HandleFunc("POST /topapi/v2/user/list", s.oapi(s.listUsers))
	s.mux.HandleFunc("POST /topapi/v2/user/get", s.oapi(s.getUser))
	s.mux.HandleFunc("POST /sandbox/auth-codes", s.issueCode)
	s.mux.HandleFunc("GET /sandbox/calls", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.Calls()) })
	s.initGateway()
	s.initWorkflow()
	s.initMessaging()
	s.initInspector()
	s.initJSAPI()
	s.initOAuth()
	return s
}

// Handler serves both hosts: their paths do not overlap, so one server can
// stand in for api.dingtalk.com and oapi.dingtalk.com at once.
func (s *Sandbox) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: r.Method, Path: r.URL.Path, At: s.opts.Now()})
		if s.baseURL == "" {
			s.baseURL = "http://" + r.Host
		}
		down := s.down
		s.mu.Unlock()
		if down && !strings.HasPrefix(r.URL.Path, "/sandbox") {
			// An outage: DingTalk's front door answers 503 to everything.
			apiError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "DingTalk is unavailable (sandbox outage)")
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// Calls returns the requests received so far.
func (s *Sandbox) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CountCalls counts received requests to a path.
func (s *Sandbox) CountCalls(path string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Path == path {
			n++
		}
	}
	return n
}

// Busy makes the next n OpenAPI calls fail with -1 系统繁忙, as DingTalk
// does under load.
func (s *Sandbox) Busy(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = n
}

// ExpireToken ends the current access token's life now.
func (s *Sandbox) ExpireToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenExp = s.opts.Now()
}

// IssueAuthCode returns a one-time 免登 code for a user, valid 5 minutes,
// as dd.runtime.permission.requestAuthCode would give the mini-app.
func (s *Sandbox) IssueAuthCode(userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[userID]; !ok {
		return "", fmt.Errorf("sandbox: no user %q", userID)
	}
	code := randomHex(16)
	s.codes[code] = authCode{userID: userID, expires: s.opts.Now().Add(5 * time.Minute)}
	return code, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oapiError writes oapi's envelope: HTTP 200 with errcode ≠ 0.
func oapiError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, 200, map[string]any{"errcode": code, "errmsg": msg, "request_id": randomHex(8)})
}

// apiError writes api's error shape.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg, "requestid": randomHex(8)})
}

// issueToken returns the app's token: the same one while it lives (asking
// again extends it), a new one after it expired.
func (s *Sandbox) issueToken() (string, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	if s.token == "" || !now.Before(s.tokenExp) {
		s.token = randomHex(16)
	}
	s.tokenExp = now.Add(s.opts.TokenTTL)
	return s.token, int64(s.opts.TokenTTL / time.Second)
}

func (s *Sandbox) validToken(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tok != "" && tok == s.token && s.opts.Now().Before(s.tokenExp)
}

// limited applies the per-API QPS limit and the busy switch; it reports the
// oapi errcode to answer with, or 0.
func (s *Sandbox) limited(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy > 0 {
		s.busy--
		return -1
	}
	if s.opts.QPSLimit <= 0 {
		return 0
	}
	sec := s.opts.Now().Unix()
	if sec != s.windowAt {
		s.windowAt, s.window = sec, map[string]int{}
	}
	s.window[path]++
	if s.window[path] > s.opts.QPSLimit {
		return 90018
	}
	return 0
}

func (s *Sandbox) oapiToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("appkey") != s.opts.AppKey || q.Get("appsecret") != s.opts.AppSecret {
		oapiError(w, 40089, "不合法的corpid或corpsecret")
		return
	}
	tok, exp := s.issueToken()
	writeJSON(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": exp})
}

func (s *Sandbox) apiToken(w http.ResponseWriter, r *http.Request) {
	var in struct{ AppKey, AppSecret string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, 400, "MissingParameter", "body must be JSON")
		return
	}
	if in.AppKey != s.opts.AppKey || in.AppSecret != s.opts.AppSecret {
		apiError(w, 400, "invalidClientIdOrSecret", "无效的clientId或clientSecret")
		return
	}
	tok, exp := s.issueToken()
	writeJSON(w, 200, map[string]any{"accessToken": tok, "expireIn": exp})
}

// oapi wraps an oapi handler: the token from the query, the QPS limit, the
// JSON body, and the {errcode:0, result} envelope around what it returns.
func (s *Sandbox) oapi(h func(body map[string]any) (any, int, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.validToken(r.URL.Query().Get("access_token")) {
			oapiError(w, 40014, "不合法的access_token")
			return
		}
		switch s.limited(r.URL.Path) {
		case -1:
			oapiError(w, -1, "系统繁忙")
			return
		case 90018:
			oapiError(w, 90018, "当前企业调用该接口超过每秒限流阈值")
			return
		}
		body := map[string]any{}
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			oapiError(w, 40035, "缺少参数或参数格式错误")
			return
		}
		result, code, msg := h(body)
		if code != 0 {
			oapiError(w, code, msg)
			return
		}
		env := map[string]any{"errcode": 0, "errmsg": "ok", "request_id": randomHex(8)}
		if top, ok := result.(topLevel); ok {
			for k, v := range top {
				env[k] = v
			}
		} else {
			env["result"] = result
		}
		writeJSON(w, 200, env)
	}
}

func num(body map[string]any, key string) (int64, bool) {
	n, ok := body[key].(json.Number)
	if !ok {
		return 0, false
	}
	v, err := n.Int64()
	return v, err == nil
}

func (s *Sandbox) userInfo(body map[string]any) (any, int, string) {
	code, _ := body["code"].(string)
	s.mu.Lock()
	c, ok := s.codes[code]
	delete(s.codes, code) // single use
	s.mu.Unlock()
	if !ok || !s.opts.Now().Before(c.expires) {
		return nil, 40078, "不存在的临时授权码"
	}
	u := s.users[c.userID]
	return map[string]any{"userid": u.UserID, "unionid": u.UnionID, "name": u.Name, "device_id": randomHex(8),
		"sys": u.Admin, "sys_level": map[bool]int{true: 1, false: 0}[u.Admin], "associated_unionid": ""}, 0, ""
}

func (s *Sandbox) listSub(body map[string]any) (any, int, string) {
	id, ok := num(body, "dept_id")
	if !ok {
		id = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.depts[id]; !ok {
		return nil, 60003, "部门不存在"
	}
	var out []map[string]any
	for _, d := range s.sortedDepts() {
		if d.ParentID == id && d.ID != 1 {
			out = append(out, map[string]any{"dept_id": d.ID, "name": d.Name, "parent_id": d.ParentID,
				"create_dept_group": false, "auto_add_user": false})
		}
	}
	if out == nil {
		out = []map[string]any{}
	}
	return out, 0, ""
}

func (s *Sandbox) sortedDepts() []*Department {
	out := make([]*Department, 0, len(s.depts))
	for _, d := range s.depts {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *Sandbox) getDept(body map[string]any) (any, int, string) {
	id, ok := num(body, "dept_id")
	if !ok {
		return nil, 400002, "dept_id 必填"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.depts[id]
	if !ok {
		return nil, 60003, "部门不存在"
	}
	managers := d.Managers
	if managers == nil {
		managers = []string{}
	}
	return map[string]any{"dept_id": d.ID, "name": d.Name, "parent_id": d.ParentID, "order": d.ID,
		"dept_manager_userid_list": managers, "member_count": s.memberCount(d.ID)}, 0, ""
}

func (s *Sandbox) memberCount(dept int64) int {
	n := 0
	for _, u := range s.users {
		for _, d := range u.DeptIDs {
			if d == dept {
				n++
			}
		}
	}
	return n
}

func (s *Sandbox) userJSON(u *User) map[string]any {
	leads := map[int64]bool{}
	for _, d := range u.Leads {
		leads[d] = true
	}
	lid := make([]map[string]any, 0, len(u.DeptIDs))
	for _, d := range u.DeptIDs {
		lid = append(lid, map[string]any{"dept_id": d, "leader": leads[d]})
	}
	return map[string]any{"userid": u.UserID, "unionid": u.UnionID, "name": u.Name, "title": u.Title,
		"job_number": u.JobNumber, "mobile": u.Mobile, "email": u.Email, "dept_id_list": u.DeptIDs,
		"leader": len(u.Leads) > 0, "active": u.Active, "admin": u.Admin, "boss": false, "leader_in_dept": lid,
		"hired_date": int64(0), "state_code": "86"}
}

func (s *Sandbox) listUsers(body map[string]any) (any, int, string) {
	dept, ok := num(body, "dept_id")
	cursor, ok2 := num(body, "cursor")
	size, ok3 := num(body, "size")
	if !ok || !ok2 || !ok3 || size < 1 || size > 100 || cursor < 0 {
		return nil, 40035, "缺少参数或参数格式错误 (dept_id, cursor, size 1-100)"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.depts[dept]; !ok {
		return nil, 60003, "部门不存在"
	}
	var members []*User
	for _, u := range s.users {
		for _, d := range u.DeptIDs {
			if d == dept {
				members = append(members, u)
				break
			}
		}
	}
	sort.Slice(members, func(i, j int) bool { return members[i].UserID < members[j].UserID })
	end := min(int(cursor+size), len(members))
	page := []map[string]any{}
	for _, u := range members[min(int(cursor), len(members)):end] {
		j := s.userJSON(u)
		// In a department listing, leader says whether they lead this one.
		j["leader"] = false
		for _, d := range u.Leads {
			if d == dept {
				j["leader"] = true
			}
		}
		page = append(page, j)
	}
	res := map[string]any{"has_more": end < len(members), "list": page}
	if end < len(members) {
		res["next_cursor"] = end
	}
	return res, 0, ""
}

func (s *Sandbox) getUser(body map[string]any) (any, int, string) {
	id, _ := body["userid"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return nil, 33012, "无效的userid"
	}
	return s.userJSON(u), 0, ""
}

func (s *Sandbox) issueCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userid"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || strings.TrimSpace(in.UserID) == "" {
		writeJSON(w, 400, map[string]string{"error": "body: {\"userid\": \"…\"}"})
		return
	}
	code, err := s.IssueAuthCode(in.UserID)
	if err != nil {
		writeJSON(w, 404, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, 200, map[string]string{"code": code})
}

// PutUser adds or changes a user (as the DingTalk admin console would).
func (s *Sandbox) PutUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UnionID == "" {
		u.UnionID = "union" + u.UserID
	}
	s.users[u.UserID] = &u
}

// RemoveUser takes a user out of the org (they left the company).
func (s *Sandbox) RemoveUser(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, userID)
}

// PutDepartment adds or changes a department.
func (s *Sandbox) PutDepartment(d Department) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.depts[d.ID] = &d
}

// User returns a copy of a user of the org.
func (s *Sandbox) User(userID string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// SetRevokeDelay changes how soon an instance may be revoked.
func (s *Sandbox) SetRevokeDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.RevokeDelay = d
}

// SetRedeliver changes how long an unacked event waits before it is pushed
// again.
func (s *Sandbox) SetRedeliver(d time.Duration) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.redeliver = d
}
