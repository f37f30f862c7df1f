package httpapi

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// The browser-side policies. The built console and H5 app load their
// scripts and styles from their own origin only (Vite emits no inline
// script), so script-src is 'self' with no 'unsafe-inline' or 'unsafe-eval'
// (templates are compiled at build time). Styles allow 'unsafe-inline':
// Element Plus and antd-mobile set style attributes and custom properties
// at run time, and an injected style cannot run code. Images may be data:
// and blob: URLs (the two-step sign-in's QR code, downloads).
const (
	cspApp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
	// cspAPI: JSON and files are never pages; if a browser is tricked into
	// rendering one, it may run and load nothing.
	cspAPI = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// h5FrameAncestors: DingTalk's mobile and desktop clients open the H5
	// app as a top-level page of their own web view, where framing rules do
	// not apply; the web client (im.dingtalk.com) and DingTalk's other web
	// workbenches frame it from *.dingtalk.com, so only those (and erpd
	// itself) may. ../shared/dingtalk/H5.md names no framing origin; this
	// is the choice, documented in the manual.
	h5FrameAncestors = "frame-ancestors 'self' https://*.dingtalk.com"
)

// securityHeaders sets what every answer carries: no MIME sniffing, no
// Referer to other sites (a console URL can name a document), and no
// framing, so the console cannot be clickjacked. The H5 app is the one
// page that may be framed, by DingTalk only; the pages get a CSP for a
// single-page app, everything else one that forbids everything.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		p := c.Request.URL.Path
		switch {
		case p == "/h5" || strings.HasPrefix(p, "/h5/"):
			// X-Frame-Options cannot name other origins; frame-ancestors
			// replaces it in every browser DingTalk ships.
			h.Set("Content-Security-Policy", cspApp+"; "+h5FrameAncestors)
		case p == "/" || p == "/console" || strings.HasPrefix(p, "/console/"):
			h.Set("Content-Security-Policy", cspApp+"; frame-ancestors 'none'")
			h.Set("X-Frame-Options", "DENY")
		default:
			h.Set("Content-Security-Policy", cspAPI)
			h.Set("X-Frame-Options", "DENY")
		}
		c.Next()
	}
}
