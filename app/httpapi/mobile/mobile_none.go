//go:build noconsole

package mobile

import "io/fs"

// FS is nil: this binary was built without the web front ends.
func FS() fs.FS { return nil }
