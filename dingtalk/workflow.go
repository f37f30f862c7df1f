package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
)

var _ domain.Workflow = (*Client)(nil)

// StartProcess implements domain.Workflow: POST /v1.0/workflow/processInstances
// with the form as name/value strings, started in the originator's root
// department (-1).
func (c *Client) StartProcess(ctx context.Context, p domain.ProcessStart) (string, error) {
	form := make([]map[string]string, len(p.Form))
	for i, f := range p.Form {
		form[i] = map[string]string{"name": f.Name, "value": f.Value}
	}
	in := map[string]any{"processCode": p.ProcessCode, "originatorUserId": p.OriginatorUserID, "deptId": -1,
		"formComponentValues": form}
	if c.cfg.AgentID != 0 {
		in["microappAgentId"] = c.cfg.AgentID
	}
	var out struct {
		InstanceID string `json:"instanceId"`
	}
	if err := c.API(ctx, http.MethodPost, "/v1.0/workflow/processInstances", nil, in, &out); err != nil {
		return "", err
	}
	if out.InstanceID == "" {
		return "", &Error{Path: "/v1.0/workflow/processInstances", Code: "bad_response", Message: "no instanceId"}
	}
	return out.InstanceID, nil
}

// Process implements domain.Workflow: GET /v1.0/workflow/processInstances.
func (c *Client) Process(ctx context.Context, id string) (*domain.ProcessInstance, error) {
	var out struct {
		Result struct {
			Status              string `json:"status"`
			Result              string `json:"result"`
			FormComponentValues []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"formComponentValues"`
			OperationRecords []struct {
				UserID string `json:"userId"`
				Date   string `json:"date"`
				Type   string `json:"type"`
				Result string `json:"result"`
				Remark string `json:"remark"`
			} `json:"operationRecords"`
		} `json:"result"`
	}
	if err := c.API(ctx, http.MethodGet, "/v1.0/workflow/processInstances", url.Values{"processInstanceId": {id}}, nil, &out); err != nil {
		return nil, err
	}
	p := &domain.ProcessInstance{ID: id, Status: out.Result.Status, Result: out.Result.Result}
	for _, f := range out.Result.FormComponentValues {
		p.Form = append(p.Form, domain.FormValue{Name: f.Name, Value: f.Value})
	}
	for _, r := range out.Result.OperationRecords {
		at, _ := time.Parse("2006-01-02T15:04Z", r.Date)
		p.Records = append(p.Records, domain.ProcessRecord{UserID: r.UserID, Type: r.Type, Result: r.Result, Remark: r.Remark, At: at})
	}
	return p, nil
}

// ProcessIDs implements domain.Workflow: POST
// /v1.0/workflow/processes/instanceIds/query, paged 20 at a time by
// nextToken until DingTalk returns none.
func (c *Client) ProcessIDs(ctx context.Context, q domain.ProcessQuery) ([]string, error) {
	var ids []string
	var next any = 0
	for page := 0; page < 500; page++ {
		in := map[string]any{"processCode": q.ProcessCode, "startTime": q.Since.UnixMilli(), "endTime": q.Until.UnixMilli(),
			"nextToken": next, "maxResults": 20}
		if len(q.Originators) > 0 {
			in["userIds"] = q.Originators
		}
		var out struct {
			Result struct {
				List      []string        `json:"list"`
				NextToken json.RawMessage `json:"nextToken"`
			} `json:"result"`
		}
		if err := c.API(ctx, http.MethodPost, "/v1.0/workflow/processes/instanceIds/query", nil, in, &out); err != nil {
			return nil, err
		}
		ids = append(ids, out.Result.List...)
		// nextToken comes back as a string or a number; absent, empty or
		// null means the last page.
		tok := strings.Trim(string(out.Result.NextToken), `"`)
		if tok == "" || tok == "null" || len(out.Result.List) == 0 {
			return ids, nil
		}
		n, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return nil, &Error{Path: "/v1.0/workflow/processes/instanceIds/query", Code: "bad_response", Message: "nextToken " + tok}
		}
		next = n
	}
	return ids, nil
}

// TerminateProcess implements domain.Workflow: a system revocation, so the
// operator need not be the originator.
func (c *Client) TerminateProcess(ctx context.Context, id, remark string) error {
	in := map[string]any{"processInstanceId": id, "isSystem": true, "remark": remark}
	err := c.API(ctx, http.MethodPost, "/v1.0/workflow/processInstances/terminate", nil, in, nil)
	var de *Error
	if errors.As(err, &de) && (de.Code == "aflowProcessInstStatusException" || de.Code == "aflowProcessInstNotExist") {
		return fmt.Errorf("%w: %w", domain.ErrProcessEnded, err)
	}
	return err
}
