package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The stream gateway: POST /v1.0/gateway/connections/open hands out an
// endpoint and a single-use ticket; the websocket at /connect carries
// frames whose header values are all strings, and the client acks each by
// messageId. Events not acked are pushed again; callbacks (bot messages,
// card clicks) are pushed once, as DingTalk does.

type frame struct {
	SpecVersion string            `json:"specVersion"`
	Type        string            `json:"type"`
	Time        int64             `json:"time"`
	Headers     map[string]string `json:"headers"`
	Data        string            `json:"data"`
}

// Ack is a client's answer to a pushed frame.
type Ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

type streamConn struct {
	ws *websocket.Conn
	mu sync.Mutex // one writer at a time
}

func (c *streamConn) send(f frame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(f)
}

type pending struct {
	f      frame
	sentAt time.Time
}

type gateway struct {
	mu        sync.Mutex
	tickets   map[string]time.Time
	conns     map[*streamConn]bool
	down      bool
	pending   map[string]*pending // event messageId → frame, until acked
	acks      map[string]Ack
	ackCond   *sync.Cond
	redeliver time.Duration
	log       []Pushed
}

// Pushed is a frame the gateway pushed, for tests and the inspector.
type Pushed struct {
	MessageID string    `json:"message_id"`
	Type      string    `json:"type"` // EVENT, CALLBACK
	Topic     string    `json:"topic"`
	EventType string    `json:"event_type,omitempty"`
	EventID   string    `json:"event_id,omitempty"`
	Data      string    `json:"data"`
	At        time.Time `json:"at"`
}

// system sends a SYSTEM frame (ping, disconnect) to one connection and
// returns its messageId.
func (s *Sandbox) system(c *streamConn, topic string, data any) (string, error) {
	raw, _ := json.Marshal(data)
	now := s.opts.Now()
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	id := fmt.Sprintf("%s_%s", randomHex(6), ms)
	f := frame{SpecVersion: "1.0", Type: "SYSTEM", Time: now.UnixMilli(),
		Headers: map[string]string{"topic": topic, "messageId": id, "contentType": "application/json", "time": ms}, Data: string(raw)}
	return id, c.send(f)
}

func (s *Sandbox) connections() []*streamConn {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	out := make([]*streamConn, 0, len(s.gw.conns))
	for c := range s.gw.conns {
		out = append(out, c)
	}
	return out
}

// Ping sends a SYSTEM ping to every connection and reports how many echoed
// its opaque value back within timeout.
func (s *Sandbox) Ping(timeout time.Duration) int {
	ok := 0
	for _, c := range s.connections() {
		opaque := randomHex(8)
		id, err := s.system(c, "ping", map[string]string{"opaque": opaque})
		if err != nil {
			continue
		}
		if a, acked := s.WaitAck(id, timeout); acked && a.Code == 200 && strings.Contains(a.Data, opaque) {
			ok++
		}
	}
	return ok
}

// Disconnect asks every connection to go away (SYSTEM disconnect, as
// DingTalk does before maintenance), and closes those still open after
// grace; well-behaved clients reconnect with a new ticket.
func (s *Sandbox) Disconnect(reason string, grace time.Duration) {
	for _, c := range s.connections() {
		_, _ = s.system(c, "disconnect", map[string]string{"reason": reason})
		c := c
		time.AfterFunc(grace, func() { _ = c.ws.Close() })
	}
}

// PushedFrames returns every frame pushed so far (redeliveries not
// repeated).
func (s *Sandbox) PushedFrames() []Pushed {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return append([]Pushed(nil), s.gw.log...)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Sandbox) initGateway() {
	s.gw = &gateway{tickets: map[string]time.Time{}, conns: map[*streamConn]bool{}, pending: map[string]*pending{},
		acks: map[string]Ack{}, redeliver: s.opts.Redeliver}
	if s.gw.redeliver == 0 {
		s.gw.redeliver = 60 * time.Second
	}
	s.gw.ackCond = sync.NewCond(&s.gw.mu)
	s.mux.HandleFunc("POST /v1.0/gateway/connections/open", s.openConnection)
	s.mux.HandleFunc("GET /connect", s.connect)
	s.mux.HandleFunc("POST /sandbox/gateway/down", func(w http.ResponseWriter, r *http.Request) { s.SetGatewayDown(true); w.WriteHeader(204) })
	s.mux.HandleFunc("POST /sandbox/gateway/disconnect", func(w http.ResponseWriter, r *http.Request) {
		s.Disconnect("connection is expired", 10*time.Second)
		w.WriteHeader(204)
	})
	s.mux.HandleFunc("POST /sandbox/gateway/ping", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]int{"connections": s.Connections(), "answered": s.Ping(5 * time.Second)})
	})
	s.mux.HandleFunc("GET /sandbox/events", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.PushedFrames()) })
	s.mux.HandleFunc("POST /sandbox/gateway/up", func(w http.ResponseWriter, r *http.Request) { s.SetGatewayDown(false); w.WriteHeader(204) })
}

func (s *Sandbox) openConnection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ClientID      string `json:"clientId"`
		ClientSecret  string `json:"clientSecret"`
		Subscriptions []struct{ Type, Topic string }
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, 400, "invalidParameter", "body must be JSON")
		return
	}
	g := s.gw
	g.mu.Lock()
	down := g.down
	g.mu.Unlock()
	if down {
		apiError(w, 503, "ServiceUnavailable", "gateway is down")
		return
	}
	if in.ClientID != s.opts.AppKey || in.ClientSecret != s.opts.AppSecret {
		apiError(w, 401, "invalidClientIdOrSecret", "无效的clientId或clientSecret")
		return
	}
	ticket := randomHex(16)
	g.mu.Lock()
	g.tickets[ticket] = s.opts.Now().Add(90 * time.Second)
	g.mu.Unlock()
	writeJSON(w, 200, map[string]string{"endpoint": "ws://" + r.Host + "/connect", "ticket": ticket})
}

func (s *Sandbox) connect(w http.ResponseWriter, r *http.Request) {
	g := s.gw
	ticket := r.URL.Query().Get("ticket")
	g.mu.Lock()
	exp, ok := g.tickets[ticket]
	delete(g.tickets, ticket) // one connection per ticket
	down := g.down
	g.mu.Unlock()
	if !ok || !s.opts.Now().Before(exp) || down {
		http.Error(w, "invalid ticket", http.StatusForbidden)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &streamConn{ws: ws}
	g.mu.Lock()
	g.conns[c] = true
	var backlog []frame
	for _, p := range g.pending { // what waited for a connection goes out now
		backlog = append(backlog, p.f)
		p.sentAt = time.Now()
	}
	g.mu.Unlock()
	for _, f := range backlog {
		_ = c.send(f)
	}
	defer func() {
		g.mu.Lock()
		delete(g.conns, c)
		g.mu.Unlock()
		ws.Close()
	}()
	for {
		var a Ack
		if err := ws.ReadJSON(&a); err != nil {
			return
		}
		id := a.Headers["messageId"]
		g.mu.Lock()
		g.acks[id] = a
		if a.Code == 200 {
			delete(g.pending, id)
		}
		g.ackCond.Broadcast()
		g.mu.Unlock()
	}
}

// SetGatewayDown takes the stream gateway down (every connection closes,
// new ones are refused) or brings it back.
func (s *Sandbox) SetGatewayDown(down bool) {
	g := s.gw
	g.mu.Lock()
	g.down = down
	var conns []*streamConn
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	if down {
		for _, c := range conns {
			c.ws.Close()
		}
	}
}

// Connections counts open stream connections.
func (s *Sandbox) Connections() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return len(s.gw.conns)
}

func (s *Sandbox) push(typ, topic string, headers map[string]string, data any) (string, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	now := s.opts.Now()
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	id := fmt.Sprintf("%s_%s", randomHex(6), ms)
	h := map[string]string{"topic": topic, "messageId": id, "contentType": "application/json", "time": ms}
	for k, v := range headers {
		h[k] = v
	}
	f := frame{SpecVersion: "1.0", Type: typ, Time: now.UnixMilli(), Headers: h, Data: string(raw)}
	g := s.gw
	g.mu.Lock()
	g.log = append(g.log, Pushed{MessageID: id, Type: typ, Topic: topic, EventType: h["eventType"], EventID: h["eventId"], Data: string(raw), At: now})
	var conns []*streamConn
	for c := range g.conns {
		conns = append(conns, c)
	}
	if typ == "EVENT" {
		g.pending[id] = &pending{f: f, sentAt: time.Now()}
	}
	g.mu.Unlock()
	if len(conns) == 0 {
		if typ == "EVENT" {
			return id, nil // delivered when a client connects
		}
		return "", fmt.Errorf("sandbox: no stream connection")
	}
	// Each push goes to one of the connections, chosen at random.
	if err := conns[rand.IntN(len(conns))].send(f); err != nil {
		if typ == "EVENT" {
			// The connection was closing (the gateway just went down, the
			// client left): the event stays pending and is pushed again, as
			// DingTalk's would be.
			return id, nil
		}
		return "", err
	}
	return id, nil
}

// PushEvent pushes an event (bpms_instance_change, user_add_org, …) as
// DingTalk's gateway does: topic "*", the event metadata in headers. It is
// pushed again until acked.
func (s *Sandbox) PushEvent(eventType string, data any) (string, error) {
	return s.PushEventID(randomHex(12), eventType, data)
}

// PushEventID pushes an event with a given event id: DingTalk may deliver
// the same event twice, and a test can too.
func (s *Sandbox) PushEventID(eventID, eventType string, data any) (string, error) {
	ms := strconv.FormatInt(s.opts.Now().UnixMilli(), 10)
	return s.push("EVENT", "*", map[string]string{"eventType": eventType, "eventId": eventID, "eventBornTime": ms,
		"eventCorpId": "dingsandboxcorp", "eventUnifiedAppId": s.opts.AppKey}, data)
}

// PushCallback pushes a callback (bot message, card click) once.
func (s *Sandbox) PushCallback(topic string, data any) (string, error) {
	return s.push("CALLBACK", topic, nil, data)
}

// WaitAck waits for the client's ack of a pushed message.
func (s *Sandbox) WaitAck(messageID string, timeout time.Duration) (Ack, bool) {
	g := s.gw
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { g.mu.Lock(); g.ackCond.Broadcast(); g.mu.Unlock() })
	defer timer.Stop()
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		if a, ok := g.acks[messageID]; ok {
			return a, true
		}
		if !time.Now().Before(deadline) {
			return Ack{}, false
		}
		g.ackCond.Wait()
	}
}

// Redeliver pushes again every event not acked for the redelivery interval,
// and returns how many; a ticker calls it in a running sandbox.
func (s *Sandbox) Redeliver() int {
	g := s.gw
	g.mu.Lock()
	var due []frame
	for _, p := range g.pending {
		if time.Since(p.sentAt) >= g.redeliver {
			due = append(due, p.f)
			p.sentAt = time.Now()
		}
	}
	var conns []*streamConn
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	if len(conns) == 0 {
		return 0
	}
	for _, f := range due {
		_ = conns[rand.IntN(len(conns))].send(f)
	}
	return len(due)
}

// PendingEvents counts events pushed and not yet acked.
func (s *Sandbox) PendingEvents() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return len(s.gw.pending)
}

// Run pushes unacked events again every second, and SYSTEM pings every
// 30 s, until ctx ends; a sandbox serving real clients runs it in the
// background.
func (s *Sandbox) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Redeliver()
			if n%30 == 0 {
				go s.Ping(5 * time.Second)
			}
		}
	}
}
