package sandbox

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// DingTalk's OAuth2 web flow (扫码登录), as a browser app signs in with it:
//
//  1. the app sends the browser to login.dingtalk.com/oauth2/auth with its
//     client_id (AppKey), redirect_uri and state;
//  2. the user scans the QR code with DingTalk and agrees; DingTalk sends
//     the browser back to redirect_uri?authCode=…&state=…;
//  3. the app's server trades the code at POST /v1.0/oauth2/userAccessToken
//     for a user access token, reads GET /v1.0/contact/users/me with it (a
//     unionId), and maps the unionId to the corp's userid with
//     POST /topapi/user/getbyunionid.
//
// The sandbox's login page stands in for the QR code: it lists the org's
// people and "scanning" as one of them agrees at once.

type oauthCode struct {
	account            User // who scanned, as they were then
	clientID, redirect string
	expires            time.Time
}

// userToken is a person's own token. It keeps their account as it was at
// the scan: a DingTalk account outlives leaving a company, so "me" still
// answers for someone the org no longer has.
type userToken struct {
	account User
	expires time.Time
}

func (s *Sandbox) initOAuth() {
	s.mux.HandleFunc("GET /oauth2/auth", s.oauthPage)
	s.mux.HandleFunc("POST /oauth2/auth", s.oauthAgree)
	s.mux.HandleFunc("POST /v1.0/oauth2/userAccessToken", s.userAccessToken)
	s.mux.HandleFunc("GET /v1.0/contact/users/{unionId}", s.contactMe)
	s.mux.HandleFunc("POST /topapi/user/getbyunionid", s.oapi(s.userByUnionID))
}

// oauthRequest checks what DingTalk checks before it shows the QR code.
func (s *Sandbox) oauthRequest(q url.Values) (redirect *url.URL, msg string) {
	if q.Get("response_type") != "code" {
		return nil, "response_type 必须为 code"
	}
	if q.Get("client_id") != s.opts.AppKey {
		return nil, "应用不存在或 client_id 错误"
	}
	if !strings.Contains(" "+q.Get("scope")+" ", " openid ") {
		return nil, "scope 必须包含 openid"
	}
	u, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "redirect_uri 不合法"
	}
	return u, ""
}

var oauthTmpl = template.Must(template.New("oauth").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>钉钉扫码登录（沙盒）</title><link rel="icon" href="data:,">
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;background:#f2f3f5;margin:0;color:#1f2329}
.card{width:380px;margin:60px auto;background:#fff;border-radius:12px;box-shadow:0 4px 24px #0001;padding:28px}
h1{font-size:20px;margin:0 0 6px}.sub{color:#8f959e;font-size:13px;margin-bottom:18px}
.err{color:#d83931;background:#fdecea;padding:12px;border-radius:8px}
button{display:flex;width:100%;align-items:center;gap:12px;border:1px solid #dee0e3;background:#fff;border-radius:8px;padding:10px 14px;margin:8px 0;cursor:pointer;font-size:15px;text-align:left}
button:hover{border-color:#3370ff;background:#f0f4ff}.av{width:34px;height:34px;border-radius:50%;background:#3370ff;color:#fff;display:flex;align-items:center;justify-content:center;font-size:14px}
.t{color:#8f959e;font-size:12px}.cancel{border:none;color:#8f959e;justify-content:center}
</style></head><body><div class="card">
{{if .Error}}<h1>无法登录</h1><p class="err">{{.Error}}</p>{{else}}
<h1>钉钉扫码登录</h1><div class="sub">沙盒：选择扫码的人，即视为用钉钉扫码并同意授权</div>
<form method="post">{{range $k, $v := .Query}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
{{range .Users}}<button name="userid" value="{{.UserID}}" data-userid="{{.UserID}}"><span class="av">{{.Initial}}</span><span>{{.Name}}<br><span class="t">{{.Title}}</span></span></button>{{end}}
<button class="cancel" name="cancel" value="1">取消</button>
</form>{{end}}
</div></body></html>`))

func (s *Sandbox) oauthPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	_, msg := s.oauthRequest(q)
	type row struct{ UserID, Name, Title, Initial string }
	var users []row
	s.mu.Lock()
	for _, u := range s.users {
		if u.Active {
			initial := []rune(u.Name + "?")[0]
			users = append(users, row{u.UserID, u.Name, u.Title, string(initial)})
		}
	}
	s.mu.Unlock()
	sort.Slice(users, func(i, j int) bool { return users[i].UserID < users[j].UserID })
	query := map[string]string{}
	for k := range q {
		query[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if msg != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	_ = oauthTmpl.Execute(w, map[string]any{"Error": msg, "Users": users, "Query": query})
}

// oauthAgree is the scan and the consent: back to redirect_uri with a
// one-time authCode (or without one when the user cancelled, as DingTalk
// does).
func (s *Sandbox) oauthAgree(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	redirect, msg := s.oauthRequest(r.PostForm)
	if msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	q := redirect.Query()
	q.Set("state", r.PostForm.Get("state"))
	if r.PostForm.Get("cancel") == "" {
		userID := r.PostForm.Get("userid")
		s.mu.Lock()
		u, ok := s.users[userID]
		if !ok || !u.Active {
			s.mu.Unlock()
			http.Error(w, "没有这个人", http.StatusBadRequest)
			return
		}
		code := s.newOAuthCodeLocked(*u, redirect.String())
		s.mu.Unlock()
		q.Set("authCode", code)
		q.Set("code", code) // DingTalk sends both names
	} else {
		q.Set("error", "access_denied")
	}
	redirect.RawQuery = q.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// IssueOAuthCode returns a one-time OAuth2 authCode for a user, as the
// login page gives after a scan.
func (s *Sandbox) IssueOAuthCode(userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return "", fmt.Errorf("sandbox: no user %q", userID)
	}
	return s.newOAuthCodeLocked(*u, ""), nil
}

// newOAuthCodeLocked issues a one-time authCode for an account, valid five
// minutes as DingTalk's; s.mu is held.
func (s *Sandbox) newOAuthCodeLocked(account User, redirect string) string {
	code := randomHex(16)
	s.oauthCodes[code] = oauthCode{account: account, clientID: s.opts.AppKey, redirect: redirect, expires: s.opts.Now().Add(5 * time.Minute)}
	return code
}

func (s *Sandbox) userAccessToken(w http.ResponseWriter, r *http.Request) {
	var in struct{ ClientID, ClientSecret, Code, RefreshToken, GrantType string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, 400, "MissingParameter", "body must be JSON")
		return
	}
	if in.ClientID != s.opts.AppKey || in.ClientSecret != s.opts.AppSecret {
		apiError(w, 400, "invalidClientIdOrSecret", "无效的clientId或clientSecret")
		return
	}
	if in.GrantType != "authorization_code" {
		apiError(w, 400, "invalidParameter.grantType", "grantType 只支持 authorization_code")
		return
	}
	s.mu.Lock()
	c, ok := s.oauthCodes[in.Code]
	delete(s.oauthCodes, in.Code) // single use
	if !ok || !s.opts.Now().Before(c.expires) || c.clientID != in.ClientID {
		s.mu.Unlock()
		apiError(w, 400, "invalidAuthCode", "不合法的临时授权码")
		return
	}
	tok := randomHex(16)
	s.userTokens[tok] = userToken{account: c.account, expires: s.opts.Now().Add(2 * time.Hour)}
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"accessToken": tok, "refreshToken": randomHex(16), "expireIn": 7200, "corpId": s.corpID()})
}

// contactMe answers for the signed-in person only ("me" with their user
// token); an app token cannot read it.
func (s *Sandbox) contactMe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, ok := s.userTokens[r.Header.Get("x-acs-dingtalk-access-token")]
	var u *User
	if ok && s.opts.Now().Before(t.expires) {
		u = &t.account
	}
	s.mu.Unlock()
	if u == nil {
		apiError(w, 401, "InvalidAuthentication", "不合法的access_token")
		return
	}
	if id := r.PathValue("unionId"); id != "me" && id != u.UnionID {
		apiError(w, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", "没有调用该接口的权限")
		return
	}
	writeJSON(w, 200, map[string]any{"nick": u.Name, "avatarUrl": "", "mobile": u.Mobile, "openId": "open" + u.UnionID,
		"unionId": u.UnionID, "email": u.Email, "stateCode": "86"})
}

func (s *Sandbox) userByUnionID(body map[string]any) (any, int, string) {
	id, _ := body["unionid"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if id != "" && u.UnionID == id {
			return map[string]any{"contact_type": 0, "userid": u.UserID}, 0, ""
		}
	}
	return nil, 60121, "找不到该用户"
}

func (s *Sandbox) corpID() string {
	if s.opts.CorpID != "" {
		return s.opts.CorpID
	}
	return "dingsandboxcorp"
}
