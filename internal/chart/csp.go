package chart

import (
	"crypto/sha256"
	"encoding/base64"
)

// ScriptHashes are the Content-Security-Policy sources ('sha256-...') of
// the two inline scripts of a chart page or dashboard: ECharts and the
// page's drawing script, the same bytes on every page. A server that
// serves the pages allows them by these hashes, with no 'unsafe-inline'.
// (The charts' data is a JSON data block, which a browser never runs.)
func ScriptHashes() []string {
	var out []string
	for _, js := range []string{echartsJS, drawJS} {
		sum := sha256.Sum256([]byte(js))
		out = append(out, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return out
}
