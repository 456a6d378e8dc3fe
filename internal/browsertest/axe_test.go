package browsertest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// The vendored axe-core is the one axe/README.md names.
func TestAxeLibrary(t *testing.T) {
	const want = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c" // axe-core 4.14.1
	sum := sha256.Sum256([]byte(axeSource))
	got := hex.EncodeToString(sum[:])
	if got != want {
		t.Errorf("axe/axe.min.js has sha256 %s, want %s: update this test with axe/README.md", got, want)
	}
	readme, err := os.ReadFile("axe/README.md")
	if err != nil || !strings.Contains(string(readme), got) {
		t.Errorf("axe/README.md does not give the sha256 %s (%v)", got, err)
	}
	if _, err := os.Stat("axe/LICENSE"); err != nil {
		t.Errorf("the licence must stay with the library: %v", err)
	}
}
