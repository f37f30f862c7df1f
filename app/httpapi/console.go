package httpapi

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// consoleFiles serves an embedded single-page app (the admin console under
// /console/, the DingTalk H5 micro-app under /h5/): hashed assets cached
// for a year and gzipped once in memory, any other path the app's
// index.html (its router owns the URL), which is never cached so a new
// release shows at once.
type consoleFiles struct {
	fsys fs.FS
	gz   sync.Map // name → []byte
}

func (s *Server) mountConsole(fsys fs.FS) {
	s.engine.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/console/") })
	s.mountSPA("/console", fsys)
}

// mountSPA serves fsys under prefix+"/"; the bare prefix redirects there,
// keeping the query (DingTalk opens the H5 homepage with ?corpId=…).
func (s *Server) mountSPA(prefix string, fsys fs.FS) {
	cf := &consoleFiles{fsys: fsys}
	s.engine.GET(prefix, func(c *gin.Context) {
		target := prefix + "/"
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		c.Redirect(http.StatusMovedPermanently, target)
	})
	s.engine.GET(prefix+"/*path", cf.serve)
	s.engine.HEAD(prefix+"/*path", cf.serve)
}

func (cf *consoleFiles) serve(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean(c.Param("path")), "/")
	data, err := fs.ReadFile(cf.fsys, name)
	if name == "" || err != nil {
		if strings.HasPrefix(name, "assets/") {
			c.Status(http.StatusNotFound) // a missing hashed file is a stale page, not a route
			return
		}
		name = "index.html"
		if data, err = fs.ReadFile(cf.fsys, name); err != nil {
			c.Status(http.StatusNotFound)
			return
		}
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(data)
	}
	h := c.Writer.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	if len(data) > 1024 && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") && compressible(ctype) {
		data = cf.gzipped(name, data)
		h.Set("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, ctype, data)
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "svg")
}

func (cf *consoleFiles) gzipped(name string, data []byte) []byte {
	if b, ok := cf.gz.Load(name); ok {
		return b.([]byte)
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(data)
	w.Close()
	cf.gz.Store(name, buf.Bytes())
	return buf.Bytes()
}
