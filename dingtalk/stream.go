package dingtalk

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/card"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/event"
)

// StreamConfig connects to DingTalk's stream gateway, which is opened on the
// api host.
type StreamConfig struct {
	AppKey    string
	AppSecret string
	APIHost   string
	Logger    *slog.Logger
}

// BotMessage is a chat message to the app's robot.
type BotMessage struct {
	SenderStaffID  string
	SenderNick     string
	Text           string
	SessionWebhook string
	// ConversationType is "1" for a one-to-one chat, "2" for a group.
	ConversationType string
}

// CardClick is a button pressed on an interactive card.
type CardClick struct {
	OutTrackID string
	UserID     string
	Action     string
}

// Handlers are what the stream delivers to. Nil handlers ignore their
// traffic. An event handler's error acks LATER, so DingTalk pushes the
// event again.
type Handlers struct {
	Directory func(context.Context, domain.DirectoryEvent) error
	Approval  func(context.Context, domain.ApprovalEvent) error
	// Bot answers a chat message; Reply sends the answer through the
	// message's session webhook.
	Bot   func(ctx context.Context, m BotMessage) (title, markdown string, err error)
	Reply func(ctx context.Context, webhook, title, markdown string) error
	// Card handles a click and returns the card parameters to change.
	Card func(context.Context, CardClick) (map[string]string, error)
}

// Stream is erpd's stream connection, through the official SDK (which
// reconnects by itself): contact and approval events, bot messages and card
// clicks.
type Stream struct {
	cli *client.StreamClient
	log *slog.Logger
	h   Handlers
}

// NewStream prepares a connection.
func NewStream(cfg StreamConfig, h Handlers) *Stream {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Stream{log: cfg.Logger, h: h, cli: client.NewStreamClient(
		client.WithAppCredential(client.NewAppCredentialConfig(cfg.AppKey, cfg.AppSecret)),
		client.WithOpenApiHost(strings.TrimRight(cfg.APIHost, "/")), client.WithAutoReconnect(true))}
	s.cli.RegisterAllEventRouter(event.NewDefaultEventFrameHandler(s.onEvent).OnEventReceived)
	if h.Bot != nil {
		s.cli.RegisterChatBotCallbackRouter(s.onBot)
	}
	if h.Card != nil {
		s.cli.RegisterCardCallbackRouter(s.onCard)
	}
	return s
}

func (s *Stream) onEvent(ctx context.Context, h *event.EventHeader, raw []byte) (event.EventProcessStatusType, error) {
	var err error
	if ev, ok := directoryEvent(h.EventId, h.EventType, raw); ok && s.h.Directory != nil {
		err = s.h.Directory(ctx, ev)
	} else if h.EventType == "bpms_instance_change" && s.h.Approval != nil {
		var ev domain.ApprovalEvent
		if ev, err = approvalEvent(h.EventId, raw); err == nil {
			err = s.h.Approval(ctx, ev)
		}
	}
	if err != nil {
		s.log.Warn("dingtalk event failed; DingTalk will push it again", "event", h.EventType, "id", h.EventId, "err", err)
		return event.EventProcessStatusKLater, err
	}
	return event.EventProcessStatusKSuccess, nil
}

// directoryEvent decodes a contact event: {"userId": [...]} or
// {"deptId": [...]}.
func directoryEvent(id, typ string, raw []byte) (domain.DirectoryEvent, bool) {
	switch typ {
	case domain.EventUserAdd, domain.EventUserModify, domain.EventUserActive, domain.EventUserLeave,
		domain.EventDeptCreate, domain.EventDeptModify, domain.EventDeptRemove:
	default:
		return domain.DirectoryEvent{}, false
	}
	var body struct {
		UserID []string `json:"userId"`
		DeptID []int64  `json:"deptId"`
	}
	_ = json.Unmarshal(raw, &body)
	return domain.DirectoryEvent{ID: id, Type: typ, UserIDs: body.UserID, DeptIDs: body.DeptID}, true
}

// approvalEvent decodes bpms_instance_change. Times are epoch ms, as
// numbers or strings (DingTalk's contact events send strings); an event
// that cannot be read is refused (pushed again, and logged) rather than
// taken for someone else's and lost.
func approvalEvent(id string, raw []byte) (domain.ApprovalEvent, error) {
	var body struct {
		ProcessInstanceID string      `json:"processInstanceId"`
		ProcessCode       string      `json:"processCode"`
		Type              string      `json:"type"`
		Result            string      `json:"result"`
		CreateTime        json.Number `json:"createTime"`
		FinishTime        json.Number `json:"finishTime"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body.ProcessInstanceID == "" {
		return domain.ApprovalEvent{}, fmt.Errorf("dingtalk: unreadable bpms_instance_change %s: %v", id, err)
	}
	at, _ := body.FinishTime.Int64()
	if at == 0 {
		at, _ = body.CreateTime.Int64()
	}
	if id == "" {
		// Without an event id, the event's content identifies it.
		id = "bpms:" + body.ProcessInstanceID + ":" + body.Type + ":" + body.Result
	}
	return domain.ApprovalEvent{ID: id, InstanceID: body.ProcessInstanceID, ProcessCode: body.ProcessCode, Type: body.Type,
		Result: body.Result, At: time.UnixMilli(at).UTC()}, nil
}

func (s *Stream) onBot(ctx context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
	msg := BotMessage{SenderStaffID: m.SenderStaffId, SenderNick: m.SenderNick, Text: m.Text.Content,
		SessionWebhook: m.SessionWebhook, ConversationType: m.ConversationType}
	if m.Msgtype != "" && m.Msgtype != "text" {
		msg.Text = "" // pictures, files, voice: answered with the help text
	}
	title, text, err := s.h.Bot(ctx, msg)
	if err != nil {
		s.log.Error("dingtalk bot", "sender", m.SenderStaffId, "err", err)
	}
	if title == "" && text == "" {
		return nil, nil
	}
	if rerr := s.h.Reply(ctx, m.SessionWebhook, title, text); rerr != nil {
		s.log.Warn("dingtalk bot reply failed", "sender", m.SenderStaffId, "err", rerr)
		return nil, rerr
	}
	return nil, nil
}

func (s *Stream) onCard(ctx context.Context, r *card.CardRequest) (*card.CardResponse, error) {
	action := r.GetActionString("action")
	if action == "" && len(r.CardActionData.CardPrivateData.ActionIdList) > 0 {
		action = r.CardActionData.CardPrivateData.ActionIdList[0]
	}
	params, err := s.h.Card(ctx, CardClick{OutTrackID: r.OutTrackId, UserID: r.UserId, Action: action})
	if err != nil {
		s.log.Error("dingtalk card callback", "card", r.OutTrackId, "user", r.UserId, "err", err)
		params = map[string]string{"message": "系统暂时无法处理，请稍后再试"}
	}
	return &card.CardResponse{CardData: &card.CardDataDto{CardParamMap: params},
		CardUpdateOptions: &card.CardUpdateOptions{UpdateCardDataByKey: true}}, nil
}

// Start opens the connection (one attempt; afterwards the SDK reconnects).
func (s *Stream) Start(ctx context.Context) error { return s.cli.Start(ctx) }

// Close ends the connection and its reconnection.
func (s *Stream) Close() { s.cli.Close() }
