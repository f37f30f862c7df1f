//go:build noconsole

package console

import "io/fs"

// FS is nil: this binary was built without the console.
func FS() fs.FS { return nil }
