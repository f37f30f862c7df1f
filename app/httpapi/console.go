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

// consoleFiles serves the embedded admin console under /console/: hashed
// assets cached for a year and gzipped once in memory, any other path the
// app's index.html (its router owns the URL), which is never cached so a
// new release shows at once.
type consoleFiles struct {
	fsys fs.FS
	gz   sync.Map // name → []byte
}

func (s *Server) mountConsole(fsys fs.FS) {
	cf := &consoleFiles{fsys: fsys}
	s.engine.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/console/") })
	s.engine.GET("/console", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/console/") })
	s.engine.GET("/console/*path", cf.serve)
	s.engine.HEAD("/console/*path", cf.serve)
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
