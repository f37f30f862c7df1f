package domain

import (
	"net/url"
	"strings"
)

// WebLoginBase is the address DingTalk's QR sign-in sends the browser back
// to: the configured public URL; without one, the address the request
// reached erpd at only where that may be trusted (the demo on a bare
// machine). In production the request's Host header is the client's to
// choose, and a sign-in code sent to an address of the client's choosing
// is a stolen session, so it is refused as a configuration error.
func WebLoginBase(publicURL, requestOrigin string, trustRequest bool) (string, error) {
	if base := strings.TrimRight(publicURL, "/"); base != "" {
		return base, nil
	}
	if !trustRequest {
		return "", &Error{Kind: KindMisconfigured, Code: CodePublicURLRequired,
			Message: "未配置 erpd 的对外地址 http.public_url（ERP_HTTP_PUBLIC_URL），无法发起钉钉扫码登录；请联系管理员配置，或使用用户名密码登录"}
	}
	u, err := url.Parse(requestOrigin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return "", Invalid("Host", "请求的地址无效")
	}
	return u.Scheme + "://" + u.Host, nil
}
