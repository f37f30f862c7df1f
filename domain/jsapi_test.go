package domain

import (
	"strings"
	"testing"
)

// The test vector of H5.md (from DingTalk's old Java sample), both hashes.
func TestJSAPISignature(t *testing.T) {
	ticket := "gUsHOoPPzLVZKVkClnESg88m7qMV4c0Ys9VGsMigqzZU7gA8PeoNzHODmYPZ85TYuoZryXuqEUFlXLN1OPEixm"
	u := "http://test4.weixin.wtoip.com:80/wtoip/dingding/dzmp"
	if got := JSAPISignature(ticket, "abcde12345", "1463125744", u, SignSHA1); got != "d14dfc1d0d98cad2438e664723e8a9d8633b443f" {
		t.Fatalf("sha1 %s", got)
	}
	got := JSAPISignature(ticket, "abcde12345", "1463125744", u, SignSHA256)
	if !strings.HasPrefix(got, "06db718d") || !strings.HasSuffix(got, "e5a5b9") {
		t.Fatalf("sha256 %s", got)
	}
	// The fragment is not signed; an encoded query signs as decoded.
	if JSAPISignature(ticket, "n", "1", u+"#/stock", SignSHA256) != JSAPISignature(ticket, "n", "1", u, SignSHA256) {
		t.Fatal("fragment signed")
	}
	if JSAPISignature(ticket, "n", "1", u+"?corpId=ding%24x", SignSHA256) != JSAPISignature(ticket, "n", "1", u+"?corpId=ding$x", SignSHA256) {
		t.Fatal("encoded query signed as is")
	}
}
