package csvio

import (
	"os"
	"strings"
	"testing"
)

// An upload kept in a temporary file is named by its name in every
// problem and error, never by the temporary path.
func TestNamedFileSource(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{dir + "/missing.upload", dir} {
		for _, err := range NamedFileSource(path, "pledges.csv", Options{}, nil).Rows {
			if err == nil || strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "pledges.csv") {
				t.Errorf("%s: %v", path, err)
			}
		}
	}
	if err := os.WriteFile(dir+"/x.upload", []byte("ref,kind,party,date\n\"a,b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, err := range NamedFileSource(dir+"/x.upload", "pledges.csv", Options{}, nil).Rows {
		if err != nil && strings.Contains(err.Error(), dir) {
			t.Errorf("a quoting error names the path: %v", err)
		}
	}
}
