package dingtalk

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/dingerp/erpd/domain"
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

// Stream is erpd's stream connection, through the official SDK (which
// reconnects by itself). Contact events become domain.DirectoryEvents.
type Stream struct {
	cli *client.StreamClient
	log *slog.Logger
}

// NewStream prepares a connection; onDirectory handles contact events. A
// handler error acks LATER, so DingTalk pushes the event again.
func NewStream(cfg StreamConfig, onDirectory func(context.Context, domain.DirectoryEvent) error) *Stream {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Stream{log: cfg.Logger, cli: client.NewStreamClient(
		client.WithAppCredential(client.NewAppCredentialConfig(cfg.AppKey, cfg.AppSecret)),
		client.WithOpenApiHost(strings.TrimRight(cfg.APIHost, "/")), client.WithAutoReconnect(true))}
	s.cli.RegisterAllEventRouter(event.NewDefaultEventFrameHandler(func(ctx context.Context, h *event.EventHeader, raw []byte) (event.EventProcessStatusType, error) {
		ev, ok := directoryEvent(h.EventId, h.EventType, raw)
		if !ok {
			return event.EventProcessStatusKSuccess, nil // not ours: nothing to do
		}
		if err := onDirectory(ctx, ev); err != nil {
			s.log.Warn("dingtalk event failed; DingTalk will push it again", "event", h.EventType, "id", h.EventId, "err", err)
			return event.EventProcessStatusKLater, err
		}
		return event.EventProcessStatusKSuccess, nil
	}).OnEventReceived)
	return s
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

// Start opens the connection (one attempt; afterwards the SDK reconnects).
func (s *Stream) Start(ctx context.Context) error { return s.cli.Start(ctx) }

// Close ends the connection and its reconnection.
func (s *Stream) Close() { s.cli.Close() }
