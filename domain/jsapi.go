package domain

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// Hashes DingTalk's dd.config signature may use. SHA-256 over the URL with
// its query decoded is what the current official samples do; SHA-1 over
// the raw URL is the older form (see ../shared/dingtalk/H5.md).
const (
	SignSHA256 = "sha256"
	SignSHA1   = "sha1"
)

// JSAPISignature signs an H5 page's dd.config: the hex digest of
// "jsapi_ticket=T&noncestr=N&timestamp=TS&url=URL", where URL is the page
// address without its #fragment (iOS sends the query encoded, Android
// decoded, so SHA-256 signs it decoded).
func JSAPISignature(ticket, nonce, timestamp, pageURL, algo string) string {
	pageURL, _, _ = strings.Cut(pageURL, "#")
	if algo != SignSHA1 {
		if base, q, ok := strings.Cut(pageURL, "?"); ok {
			if dq, err := url.QueryUnescape(q); err == nil {
				pageURL = base + "?" + dq
			}
		}
	}
	plain := "jsapi_ticket=" + ticket + "&noncestr=" + nonce + "&timestamp=" + timestamp + "&url=" + pageURL
	if algo == SignSHA1 {
		sum := sha1.Sum([]byte(plain))
		return hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
