package dingtalk_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/event"
)

// The real stream SDK, over a real websocket, against the sandbox gateway:
// it opens a connection with a ticket, receives an event on topic "*" with
// the event metadata in headers, and its ack (SUCCESS) reaches the gateway;
// a bot message arrives as a CALLBACK on the bot topic.
func TestStreamSDKAgainstSandbox(t *testing.T) {
	sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(1, 2, 1), Redeliver: 200 * time.Millisecond})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()

	var mu sync.Mutex
	var events []string
	var bot []string
	cli := client.NewStreamClient(client.WithAppCredential(client.NewAppCredentialConfig("k", "s")),
		client.WithOpenApiHost(srv.URL), client.WithAutoReconnect(false))
	cli.RegisterAllEventRouter(event.NewDefaultEventFrameHandler(func(_ context.Context, h *event.EventHeader, raw []byte) (event.EventProcessStatusType, error) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, h.EventType+" "+h.EventId+" "+string(raw))
		return event.EventProcessStatusKSuccess, nil
	}).OnEventReceived)
	cli.RegisterChatBotCallbackRouter(func(_ context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		bot = append(bot, m.SenderStaffId+": "+m.Text.Content)
		return []byte(`{}`), nil
	})
	if err := cli.Start(context.Background()); err != nil {
		t.Fatalf("SDK start against the sandbox: %v", err)
	}
	defer cli.Close()

	id, err := sb.PushEvent("bpms_instance_change", map[string]any{"processInstanceId": "pi-1", "type": "finish", "result": "agree"})
	if err != nil {
		t.Fatal(err)
	}
	ack, ok := sb.WaitAck(id, 5*time.Second)
	if !ok || ack.Code != 200 {
		t.Fatalf("event ack: %+v %v", ack, ok)
	}
	var status struct{ Status string }
	json.Unmarshal([]byte(ack.Data), &status)
	if status.Status != "SUCCESS" || sb.PendingEvents() != 0 {
		t.Fatalf("ack data %q, pending %d", ack.Data, sb.PendingEvents())
	}
	mid, err := sb.PushCallback("/v1.0/im/bot/messages/get", map[string]any{"msgtype": "text", "text": map[string]string{"content": "库存 A001"},
		"senderStaffId": "user00001", "conversationType": "1", "sessionWebhook": srv.URL + "/robot/sendBySession?session=x"})
	if err != nil {
		t.Fatal(err)
	}
	if ack, ok := sb.WaitAck(mid, 5*time.Second); !ok || ack.Code != 200 {
		t.Fatalf("bot ack: %+v %v", ack, ok)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 1 || len(bot) != 1 || bot[0] != "user00001: 库存 A001" {
		t.Fatalf("events %v, bot %v", events, bot)
	}
}

// Events pushed while the gateway is down are delivered once the client
// reconnects, none lost.
func TestStreamGatewayDownAndUp(t *testing.T) {
	sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(1, 2, 1)})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	var mu sync.Mutex
	got := map[string]int{}
	cli := client.NewStreamClient(client.WithAppCredential(client.NewAppCredentialConfig("k", "s")),
		client.WithOpenApiHost(srv.URL), client.WithAutoReconnect(true))
	cli.RegisterAllEventRouter(event.NewDefaultEventFrameHandler(func(_ context.Context, h *event.EventHeader, raw []byte) (event.EventProcessStatusType, error) {
		mu.Lock()
		defer mu.Unlock()
		got[string(raw)]++
		return event.EventProcessStatusKSuccess, nil
	}).OnEventReceived)
	if err := cli.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	sb.SetGatewayDown(true)
	for i := 0; i < 20; i++ {
		if _, err := sb.PushEvent("user_add_org", map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	sb.SetGatewayDown(false) // the SDK reconnects with backoff (3 s and up)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && sb.PendingEvents() > 0 {
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if sb.PendingEvents() != 0 || len(got) != 20 {
		t.Fatalf("after the gateway came back: %d delivered, %d pending", len(got), sb.PendingEvents())
	}
}

// SYSTEM frames: the SDK echoes a ping's opaque value, and on a disconnect
// request it acks, leaves, and comes back on a new connection (new ticket).
func TestStreamSystemPingAndDisconnect(t *testing.T) {
	sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(1, 2, 1)})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	cli := client.NewStreamClient(client.WithAppCredential(client.NewAppCredentialConfig("k", "s")),
		client.WithOpenApiHost(srv.URL), client.WithAutoReconnect(true))
	if err := cli.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	// Start returns once the client dialled; the sandbox registers the
	// connection in its own goroutine.
	for deadline := time.Now().Add(5 * time.Second); sb.Connections() != 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := sb.Ping(5 * time.Second); n != 1 {
		t.Fatalf("%d connections answered the ping", n)
	}
	opens := sb.CountCalls("/v1.0/gateway/connections/open")
	sb.Disconnect("connection is expired", 10*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && sb.CountCalls("/v1.0/gateway/connections/open") == opens {
		time.Sleep(50 * time.Millisecond)
	}
	for time.Now().Before(deadline) && sb.Connections() != 1 {
		time.Sleep(50 * time.Millisecond)
	}
	if sb.CountCalls("/v1.0/gateway/connections/open") != opens+1 || sb.Connections() != 1 {
		t.Fatalf("after disconnect: %d opens (was %d), %d connections", sb.CountCalls("/v1.0/gateway/connections/open"), opens, sb.Connections())
	}
	if n := sb.Ping(5 * time.Second); n != 1 {
		t.Fatalf("%d connections answered the ping after reconnecting", n)
	}
}
