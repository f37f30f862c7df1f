package dingtalk

import (
	"context"
	"net/http"
	"time"
)

// JSAPITicket fetches the ticket H5 pages' dd.config is signed with
// (POST /v1.0/oauth2/jsapiTickets), valid for expireIn seconds. The caller
// caches it: DingTalk hands out the same ticket until it expires.
func (c *Client) JSAPITicket(ctx context.Context) (string, time.Duration, error) {
	var out struct {
		JSAPITicket string `json:"jsapiTicket"`
		ExpireIn    int64  `json:"expireIn"`
	}
	if err := c.API(ctx, http.MethodPost, "/v1.0/oauth2/jsapiTickets", nil, map[string]any{}, &out); err != nil {
		return "", 0, err
	}
	if out.JSAPITicket == "" {
		return "", 0, &Error{Path: "/v1.0/oauth2/jsapiTickets", Code: "empty_ticket", Message: "DingTalk returned no jsapi ticket"}
	}
	return out.JSAPITicket, time.Duration(out.ExpireIn) * time.Second, nil
}
