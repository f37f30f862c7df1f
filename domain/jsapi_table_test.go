package domain

import "testing"

// Expected digests were computed outside Go (printf … | sha256sum / sha1sum)
// over the plain string "jsapi_ticket=T1&noncestr=n0&timestamp=1700000000&url=…".
func TestJSAPISignatureTable(t *testing.T) {
	const page = "https://erp.example.cn/h5/"
	cases := []struct {
		name, url, algo, want string
	}{
		{"sha256 signs the query decoded", page + "?corpId=ding%24x&to=/stock", SignSHA256,
			"32acb0a49817706768f5daa44283a620711e639d530db35754bd5585d2184c10"},
		{"sha256 drops the fragment", page + "?corpId=ding$x&to=/stock#/orders/1", SignSHA256,
			"32acb0a49817706768f5daa44283a620711e639d530db35754bd5585d2184c10"},
		{"an unknown algorithm means sha256", page + "?corpId=ding$x&to=/stock", "",
			"32acb0a49817706768f5daa44283a620711e639d530db35754bd5585d2184c10"},
		{"a query that does not decode is signed as sent", page + "?bad=%zz", SignSHA256,
			"4737b85308d5ae66fe812f2c458b2343fee15f0b1ade54937b6c99d4a0865b2b"},
		{"sha1 signs the query as sent", page + "?corpId=ding%24x", SignSHA1,
			"6d446eb5115ad71678c161783292f8a0ed6d3955"},
		{"sha1 drops the fragment too", page + "?corpId=ding%24x#top", SignSHA1,
			"6d446eb5115ad71678c161783292f8a0ed6d3955"},
	}
	for _, c := range cases {
		if got := JSAPISignature("T1", "n0", "1700000000", c.url, c.algo); got != c.want {
			t.Errorf("%s: JSAPISignature = %s, want %s", c.name, got, c.want)
		}
	}
}
