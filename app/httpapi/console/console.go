//go:build !noconsole

// Package console holds the admin console (管理后台): a Vue 3 + Element Plus
// single-page app whose built files (dist/) are embedded in the binary, so
// erpd serves it with no Node.js on the machine. `go build -tags noconsole`
// leaves it out. Rebuild dist with scripts/console-build after changing
// src/.
package console

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS is the built console, rooted at its index.html.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time
	}
	return sub
}
