//go:build !noconsole

// Package mobile holds the DingTalk H5 micro-app (移动端): a React +
// antd-mobile app for staff on phones, opened from DingTalk's workbench,
// whose built files (dist/) are embedded in the binary and served at /h5/.
// `go build -tags noconsole` leaves it out with the admin console. Rebuild
// dist with scripts/console-build after changing src/.
package mobile

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS is the built H5 app, rooted at its index.html.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time
	}
	return sub
}
