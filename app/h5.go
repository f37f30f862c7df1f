package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strconv"
	"time"

	"github.com/dingerp/erpd/domain"
)

// H5Info is what the H5 page reads before anyone signs in: whether
// DingTalk is connected, and the corp and app for 免登.
type H5Info struct {
	Enabled  bool   `json:"enabled"`
	CorpID   string `json:"corp_id"`
	AgentID  int64  `json:"agent_id"`
	ClientID string `json:"client_id"`
	// WebLogin says the console offers DingTalk QR sign-in (扫码登录).
	WebLogin bool `json:"web_login"`
}

// H5Info describes the DingTalk app to the H5 page.
func (a *App) H5Info() H5Info {
	h := a.dt.H5
	return H5Info{Enabled: h.JSAPI != nil && a.directory != nil, CorpID: h.CorpID, AgentID: h.AgentID, ClientID: h.ClientID,
		WebLogin: a.directory != nil && a.dt.Web.LoginHost != ""}
}

// JSAPIConfig is dd.config's argument for one page address.
type JSAPIConfig struct {
	AgentID   string   `json:"agentId"`
	CorpID    string   `json:"corpId"`
	TimeStamp string   `json:"timeStamp"`
	NonceStr  string   `json:"nonceStr"`
	Signature string   `json:"signature"`
	Type      int      `json:"type"`
	JSAPIList []string `json:"jsApiList"`
}

// h5APIs are the JSAPIs the H5 page uses.
var h5APIs = []string{"biz.util.scan", "biz.navigation.setTitle", "device.notification.toast", "biz.contact.complexPicker"}

const jsapiTicketKey = "dingtalk:jsapi_ticket"

// SignJSAPI signs dd.config for pageURL (location.href without its
// #fragment) with the jsapi ticket, cached until ten minutes before
// DingTalk lets it expire.
func (a *App) SignJSAPI(ctx context.Context, pageURL string) (*JSAPIConfig, error) {
	if Actor(ctx) == nil {
		return nil, domain.ErrUnauthorized
	}
	h := a.dt.H5
	if h.JSAPI == nil {
		return nil, domain.ErrInvalidState.WithMessage("未连接钉钉，无法签名 dd.config")
	}
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(pageURL) > 2000 {
		return nil, domain.Invalid("url", "url 应为页面的完整地址（http 或 https）")
	}
	ticket, ok, err := a.cache.Get(ctx, jsapiTicketKey)
	if err != nil || !ok {
		var ttl time.Duration
		if ticket, ttl, err = h.JSAPI.JSAPITicket(ctx); err != nil {
			return nil, domain.ErrUnavailable.WithMessage("钉钉暂时无法签发 jsapi ticket：%v", err)
		}
		if ttl -= 10 * time.Minute; ttl < time.Minute {
			ttl = time.Minute
		}
		if err := a.cache.Set(ctx, jsapiTicketKey, ticket, ttl); err != nil {
			a.log.Warn("cache jsapi ticket", "err", err)
		}
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	nonce, ts := hex.EncodeToString(b), strconv.FormatInt(a.now().Unix(), 10)
	return &JSAPIConfig{AgentID: strconv.FormatInt(h.AgentID, 10), CorpID: h.CorpID, TimeStamp: ts, NonceStr: nonce,
		Signature: domain.JSAPISignature(ticket, nonce, ts, pageURL, h.SignAlgo), JSAPIList: h5APIs}, nil
}
