package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/dingerp/erpd/domain"
)

// The jsapi ticket H5 pages sign dd.config with, and a check of such a
// signature as DingTalk's client would make it (SHA-256 over the decoded
// URL, see domain.JSAPISignature).
func (s *Sandbox) initJSAPI() {
	s.mux.HandleFunc("POST /v1.0/oauth2/jsapiTickets", s.api(func(r *http.Request, _ map[string]any) (any, *apiErr) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.jsapiTicket == "" || s.opts.Now().After(s.jsapiExpires) {
			b := make([]byte, 24)
			rand.Read(b)
			s.jsapiTicket, s.jsapiExpires = "ticket-"+hex.EncodeToString(b), s.opts.Now().Add(2*time.Hour)
		}
		return map[string]any{"jsapiTicket": s.jsapiTicket, "expireIn": int64(s.jsapiExpires.Sub(s.opts.Now()) / time.Second)}, nil
	}))
	// POST /sandbox/jsapi/verify {url, nonceStr, timeStamp, signature}: what
	// dd.config would answer (dd.error on a mismatch).
	s.mux.HandleFunc("POST /sandbox/jsapi/verify", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ URL, NonceStr, TimeStamp, Signature string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, 400, map[string]any{"errorCode": "400", "errorMessage": err.Error()})
			return
		}
		s.mu.Lock()
		ticket := s.jsapiTicket
		s.mu.Unlock()
		if ticket == "" || domain.JSAPISignature(ticket, in.NonceStr, in.TimeStamp, in.URL, domain.SignSHA256) != in.Signature {
			writeJSON(w, 200, map[string]any{"errorCode": "52013", "errorMessage": "签名校验失败"})
			return
		}
		writeJSON(w, 200, map[string]any{"errorCode": "0"})
	})
}
