package httpapi

import (
	"compress/gzip"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"
)

// The console is served as a single-page app: its routes fall back to
// index.html (never cached), hashed assets are cached for good and
// gzipped, a missing asset is a 404, and the API keeps its own 404s.
func TestConsoleServing(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	js := strings.Repeat("console.log('erpd');", 200)
	s := &Server{engine: gin.New()}
	s.engine.NoRoute(func(c *gin.Context) { c.JSON(404, gin.H{"error": gin.H{"code": "not_found"}}) })
	s.mountConsole(fstest.MapFS{
		"index.html":        {Data: []byte(`<!doctype html><div id="app"></div>`)},
		"assets/index-1.js": {Data: []byte(js)},
		"favicon.svg":       {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
	})
	get := func(path, enc string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if enc != "" {
			r.Header.Set("Accept-Encoding", enc)
		}
		w := httptest.NewRecorder()
		s.engine.ServeHTTP(w, r)
		return w
	}
	if w := get("/", ""); w.Code != 302 || w.Header().Get("Location") != "/console/" {
		t.Fatalf("/ → %d %s", w.Code, w.Header().Get("Location"))
	}
	for _, p := range []string{"/console/", "/console/products", "/console/reports/gross-profit"} {
		w := get(p, "")
		if w.Code != 200 || !strings.Contains(w.Body.String(), `id="app"`) || w.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s → %d %q %q", p, w.Code, w.Header().Get("Cache-Control"), w.Body)
		}
	}
	w := get("/console/assets/index-1.js", "gzip, br")
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") ||
		!regexp.MustCompile(`javascript`).MatchString(w.Header().Get("Content-Type")) {
		t.Fatalf("asset: %d %v", w.Code, w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != js {
		t.Fatal("gzipped asset differs")
	}
	if w := get("/console/assets/index-1.js", ""); w.Header().Get("Content-Encoding") != "" || w.Body.String() != js {
		t.Fatal("asset without gzip")
	}
	if w := get("/console/assets/gone-2.js", ""); w.Code != 404 {
		t.Fatalf("a missing asset → %d", w.Code)
	}
	if w := get("/console/../go.mod", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `id="app"`) {
		t.Fatalf("path escape → %d %s", w.Code, w.Body)
	}
	if w := get("/api/v1/nothing", ""); w.Code != 404 || !strings.Contains(w.Body.String(), "not_found") {
		t.Fatalf("api 404 → %d %s", w.Code, w.Body)
	}
	// The H5 app is served the same way at /h5/; DingTalk opens its
	// homepage as /h5?corpId=… and the query must survive the redirect.
	s.mountSPA("/h5", fstest.MapFS{"index.html": {Data: []byte(`<div id="h5"></div>`)}})
	if w := get("/h5?corpId=ding%24x", ""); w.Code != 301 || w.Header().Get("Location") != "/h5/?corpId=ding%24x" {
		t.Fatalf("/h5?corpId → %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := get("/h5/", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `id="h5"`) {
		t.Fatalf("/h5/ → %d %s", w.Code, w.Body)
	}
}
