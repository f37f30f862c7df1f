package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/dingerp/erpd/domain"
)

var _ domain.Messenger = (*Client)(nil)

// Notify implements domain.Messenger: a markdown work notification (工作通知)
// from the app's agent, at most 100 users per call.
func (c *Client) Notify(ctx context.Context, userIDs []string, title, markdown string) error {
	for len(userIDs) > 0 {
		n := min(len(userIDs), 100)
		in := map[string]any{"agent_id": c.cfg.AgentID, "userid_list": strings.Join(userIDs[:n], ","),
			"msg": map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": markdown}}}
		if err := c.OAPI(ctx, "/topapi/message/corpconversation/asyncsend_v2", in, nil); err != nil {
			return err
		}
		userIDs = userIDs[n:]
	}
	return nil
}

// SendCard implements domain.Messenger: create-and-deliver into the user's
// chat with the app's robot, with clicks coming back over the stream.
func (c *Client) SendCard(ctx context.Context, card domain.Card) error {
	in := map[string]any{
		"cardTemplateId": card.TemplateID,
		"outTrackId":     card.OutTrackID,
		"cardData":       map[string]any{"cardParamMap": card.Params},
		"callbackType":   "STREAM",
		"userId":         card.UserID,
		"userIdType":     1,
		"openSpaceId":    "dtv1.card//IM_ROBOT." + card.UserID,
		"imRobotOpenSpaceModel": map[string]any{"supportForward": false,
			"lastMessageI18n": map[string]string{"ZH_CN": card.Params["title"]}},
		"imRobotOpenDeliverModel": map[string]any{"spaceType": "IM_ROBOT", "robotCode": c.cfg.RobotCode},
	}
	var out struct {
		Result struct {
			DeliverResults []struct {
				Success  bool   `json:"success"`
				ErrorMsg string `json:"errorMsg"`
			} `json:"deliverResults"`
		} `json:"result"`
	}
	if err := c.API(ctx, http.MethodPost, "/v1.0/card/instances/createAndDeliver", nil, in, &out); err != nil {
		var de *Error
		if errors.As(err, &de) && de.Code == "param.cardAlreadyExist" {
			return nil // sent before: a retry after a lost answer
		}
		return err
	}
	for _, r := range out.Result.DeliverResults {
		if !r.Success {
			return &Error{Path: "/v1.0/card/instances/createAndDeliver", Code: "deliverFailed", Message: r.ErrorMsg}
		}
	}
	return nil
}

// UpdateCard implements domain.Messenger: only the given keys change.
func (c *Client) UpdateCard(ctx context.Context, outTrackID string, params map[string]string) error {
	in := map[string]any{"outTrackId": outTrackID, "cardData": map[string]any{"cardParamMap": params},
		"cardUpdateOptions": map[string]bool{"updateCardDataByKey": true}}
	err := c.API(ctx, http.MethodPut, "/v1.0/card/instances", nil, in, nil)
	var de *Error
	if errors.As(err, &de) && de.Code == "param.cardNotExist" {
		return fmt.Errorf("%w: %w", domain.ErrCardGone, err)
	}
	return err
}

// Reply answers a bot message through its session webhook (no token: the
// webhook itself is the credential, valid for the time DingTalk gave it).
func (c *Client) Reply(ctx context.Context, webhook, title, markdown string) error {
	b, _ := json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": markdown}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("dingtalk session reply: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var env struct {
		ErrCode json.Number `json:"errcode"`
		ErrMsg  string      `json:"errmsg"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &env) != nil || (env.ErrCode != "" && env.ErrCode != "0") {
		return &Error{Status: resp.StatusCode, Path: "sendBySession", Code: env.ErrCode.String(), Message: env.ErrMsg + truncate(raw)}
	}
	return nil
}
