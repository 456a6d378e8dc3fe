package chart

import "io"

// SetWriteHook wraps the writer of every file WriteFolder writes until
// restore is called.
func SetWriteHook(h func(io.Writer) io.Writer) (restore func()) {
	old := writeHook
	writeHook = h
	return func() { writeHook = old }
}
