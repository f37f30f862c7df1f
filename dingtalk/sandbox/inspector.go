package sandbox

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
)

// The inspector: HTTP doors for a person (through the page at /sandbox/)
// or a test to act as DingTalk's admin console and its users. Changes to the
// org push the contact events DingTalk would.

//go:embed ui.html
var uiPage []byte

func (s *Sandbox) initInspector() {
	s.mux.HandleFunc("GET /sandbox/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(uiPage)
	})
	s.mux.HandleFunc("GET /sandbox/org", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.Org()) })
	s.mux.HandleFunc("POST /sandbox/users", s.inspectPutUser)
	s.mux.HandleFunc("DELETE /sandbox/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.LeaveUser(r.PathValue("id")) {
			writeJSON(w, 404, map[string]string{"error": "用户不存在"})
			return
		}
		w.WriteHeader(204)
	})
	s.mux.HandleFunc("POST /sandbox/departments", s.inspectPutDept)
	s.mux.HandleFunc("DELETE /sandbox/departments/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if !s.RemoveDepartment(id) {
			writeJSON(w, 404, map[string]string{"error": "部门不存在，或仍有子部门/成员"})
			return
		}
		w.WriteHeader(204)
	})
	s.mux.HandleFunc("POST /sandbox/outage/{state}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("state") {
		case "start":
			s.SetDown(true)
		case "end":
			s.SetDown(false)
		default:
			writeJSON(w, 404, map[string]string{"error": "start or end"})
			return
		}
		w.WriteHeader(204)
	})
	s.mux.HandleFunc("GET /sandbox/status", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		down := s.down
		s.mu.Unlock()
		s.gw.mu.Lock()
		gwDown, pending := s.gw.down, len(s.gw.pending)
		s.gw.mu.Unlock()
		writeJSON(w, 200, map[string]any{"outage": down, "gateway_down": gwDown, "connections": s.Connections(),
			"pending_events": pending})
	})
}

// LoseStartAnswers makes the next n OA instance starts create their
// instance and then close the connection without answering.
func (s *Sandbox) LoseStartAnswers(n int) {
	s.mu.Lock()
	s.lostStarts = n
	s.mu.Unlock()
}

// SetDown starts or ends a full outage: OpenAPI calls answer 503 and the
// stream gateway is down.
func (s *Sandbox) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
	s.SetGatewayDown(down)
}

// OrgView is the org as the inspector shows it.
type OrgView struct {
	Departments []Department `json:"departments"`
	Users       []User       `json:"users"`
}

// Org returns the current org, sorted.
func (s *Sandbox) Org() OrgView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := OrgView{Departments: []Department{}, Users: []User{}}
	for _, d := range s.sortedDepts() {
		c := *d
		if c.Managers == nil {
			c.Managers = []string{}
		}
		v.Departments = append(v.Departments, c)
	}
	for _, u := range s.users {
		v.Users = append(v.Users, *u)
	}
	sort.Slice(v.Users, func(i, j int) bool { return v.Users[i].UserID < v.Users[j].UserID })
	return v
}

// JoinUser adds or changes a user and pushes user_add_org or
// user_modify_org.
func (s *Sandbox) JoinUser(u User) {
	_, existed := s.User(u.UserID)
	s.PutUser(u)
	typ := "user_add_org"
	if existed {
		typ = "user_modify_org"
	}
	_, _ = s.PushEvent(typ, map[string]any{"timeStamp": strconv.FormatInt(s.opts.Now().UnixMilli(), 10), "userId": []string{u.UserID}})
}

// LeaveUser removes a user and pushes user_leave_org.
func (s *Sandbox) LeaveUser(userID string) bool {
	if _, ok := s.User(userID); !ok {
		return false
	}
	s.RemoveUser(userID)
	_, _ = s.PushEvent("user_leave_org", map[string]any{"timeStamp": strconv.FormatInt(s.opts.Now().UnixMilli(), 10), "userId": []string{userID}})
	return true
}

// SaveDepartment adds or changes a department and pushes org_dept_create
// or org_dept_modify.
func (s *Sandbox) SaveDepartment(d Department) {
	s.mu.Lock()
	_, existed := s.depts[d.ID]
	s.mu.Unlock()
	s.PutDepartment(d)
	typ := "org_dept_create"
	if existed {
		typ = "org_dept_modify"
	}
	_, _ = s.PushEvent(typ, map[string]any{"timeStamp": strconv.FormatInt(s.opts.Now().UnixMilli(), 10), "deptId": []int64{d.ID}})
}

// RemoveDepartment deletes an empty leaf department and pushes
// org_dept_remove; DingTalk refuses to delete one with members or children.
func (s *Sandbox) RemoveDepartment(id int64) bool {
	s.mu.Lock()
	_, ok := s.depts[id]
	busy := id == 1 || s.memberCount(id) > 0
	for _, d := range s.depts {
		busy = busy || d.ParentID == id && d.ID != id
	}
	if ok && !busy {
		delete(s.depts, id)
	}
	s.mu.Unlock()
	if !ok || busy {
		return false
	}
	_, _ = s.PushEvent("org_dept_remove", map[string]any{"timeStamp": strconv.FormatInt(s.opts.Now().UnixMilli(), 10), "deptId": []int64{id}})
	return true
}

func (s *Sandbox) inspectPutUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID    string  `json:"userid"`
		Name      string  `json:"name"`
		Title     string  `json:"title"`
		JobNumber string  `json:"job_number"`
		Mobile    string  `json:"mobile"`
		DeptIDs   []int64 `json:"dept_ids"`
		Leads     []int64 `json:"leads"`
		Active    *bool   `json:"active"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.UserID == "" || in.Name == "" {
		writeJSON(w, 400, map[string]string{"error": "body: {\"userid\", \"name\", \"dept_ids\": [1], \"leads\": [], \"title\"}"})
		return
	}
	if len(in.DeptIDs) == 0 {
		in.DeptIDs = []int64{1}
	}
	s.mu.Lock()
	for _, d := range append(append([]int64{}, in.DeptIDs...), in.Leads...) {
		if _, ok := s.depts[d]; !ok {
			s.mu.Unlock()
			writeJSON(w, 400, map[string]string{"error": "部门 " + strconv.FormatInt(d, 10) + " 不存在"})
			return
		}
	}
	s.mu.Unlock()
	u, existed := s.User(in.UserID)
	if !existed {
		u.UnionID = "union" + in.UserID
	}
	// What the form does not carry (admin, email, unionid) stays as it was.
	u.UserID, u.Name, u.Title, u.JobNumber, u.Mobile = in.UserID, in.Name, in.Title, in.JobNumber, in.Mobile
	u.DeptIDs, u.Leads, u.Active = in.DeptIDs, in.Leads, in.Active == nil || *in.Active
	s.JoinUser(u)
	writeJSON(w, 200, u)
}

func (s *Sandbox) inspectPutDept(w http.ResponseWriter, r *http.Request) {
	var in Department
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.ID <= 1 || in.Name == "" {
		writeJSON(w, 400, map[string]string{"error": "body: {\"id\": 7, \"name\": \"…\", \"parent_id\": 1}"})
		return
	}
	if in.ParentID == 0 {
		in.ParentID = 1
	}
	s.mu.Lock()
	_, ok := s.depts[in.ParentID]
	s.mu.Unlock()
	if !ok || in.ParentID == in.ID {
		writeJSON(w, 400, map[string]string{"error": "上级部门不存在"})
		return
	}
	s.SaveDepartment(in)
	writeJSON(w, 200, in)
}
