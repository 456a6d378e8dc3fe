package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// Tests of issue #15's findings 8 and 9: uploads.

// ---------------------------------------------------------------------------
// 8. Uploads: named by their names, kept in the server's own directory.

// Finding 8: a problem with an upload names the file uploaded, never the
// temporary file it waits in, also when that file is gone at the commit.
func TestImportErrorsNameTheUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		dir := t.TempDir()
		s := e.server(t, Config{UploadDir: dir})
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		b := &browser{e: &env{t: t, st: e.st, srv: srv}, c: e.browser().c}
		b.login("officer")
		leaks := func(what, body string) {
			t.Helper()
			if strings.Contains(body, dir) || strings.Contains(body, uploadExt) || strings.Contains(body, os.TempDir()+"/") {
				i := max(strings.Index(body, dir), strings.Index(body, uploadExt))
				t.Errorf("%s: the page shows the temporary file: %s", what, body[max(0, i-120):min(len(body), i+60)])
			}
		}
		for name, content := range map[string]string{
			"empty.csv": "", "binary.csv": "\x00\x01\x02\xff\xfe", "quote.csv": "ref,kind\n\"a,b\n", "broken.xlsx": "PK\x03\x04garbage",
			"bad-rows.csv": "ref,kind,party,date\nr1,pledge,XXX,2021\n", "header.csv": "a,b,c\n1,2,3\n",
		} {
			st, body := b.upload(name, content)
			leaks(name, body)
			if st != http.StatusBadRequest || !strings.Contains(body, name) && name != "empty.csv" {
				t.Errorf("%s: %d, the page does not name the file", name, st)
			}
		}
		// A preview whose file is gone (a restart, a cleaner) at the commit.
		st, body := b.upload("ok.csv", "ref,kind,party,date,amount,currency\nupload-ok-1,pledge,NLD,2021,5,EUR\n")
		m := commitRE.FindStringSubmatch(body)
		if st != 200 || m == nil {
			t.Fatalf("preview: %d", st)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"+uploadExt))
		if len(files) != 1 {
			t.Fatalf("the preview's file: %v", files)
		}
		os.Remove(files[0])
		st, body = b.post(m[1], url.Values{"csrf": {b.csrf("/import")}})
		leaks("commit of a vanished preview", body)
		if st != http.StatusBadRequest || !strings.Contains(body, "upload the file again") {
			t.Errorf("commit of a vanished preview: %d", st)
		}
		// A browser's folders are not part of the name.
		_, body = b.upload(`C:\Users\me\Documents\pledges.csv`, "a,b\n")
		if !strings.Contains(body, "pledges.csv") || strings.Contains(body, `Documents`) {
			t.Error("a Windows path as the upload's name is shown with its folders")
		}
	})
}

// Finding 8: the server's own upload directory is removed when it closes,
// and previews left behind by a server that did not close are removed at
// the next start.
func TestUploadDirCleanedUp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := newEnv(t, store.SQLite, Config{})
	old := time.Now().Add(-2 * previewTTL)
	// A crashed server's directory with a stale preview, and a running
	// one's with a fresh preview.
	crashed, running := filepath.Join(tmp, uploadDirPrefix+"crashed"), filepath.Join(tmp, uploadDirPrefix+"running")
	for _, d := range []string{crashed, running} {
		os.Mkdir(d, 0o700)
	}
	os.WriteFile(filepath.Join(crashed, "a"+uploadExt), []byte("x"), 0o600)
	os.Chtimes(filepath.Join(crashed, "a"+uploadExt), old, old)
	os.Chtimes(crashed, old, old)
	os.WriteFile(filepath.Join(running, "b"+uploadExt), []byte("x"), 0o600)
	// A configured directory with a stale and a fresh preview.
	conf := t.TempDir()
	os.WriteFile(filepath.Join(conf, "stale"+uploadExt), []byte("x"), 0o600)
	os.Chtimes(filepath.Join(conf, "stale"+uploadExt), old, old)
	os.WriteFile(filepath.Join(conf, "fresh"+uploadExt), []byte("x"), 0o600)
	if _, err := New(Config{Store: e.st, UploadDir: conf}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(conf, "stale"+uploadExt)); err == nil {
		t.Error("a stale preview in the configured directory was kept")
	}
	if _, err := os.Stat(filepath.Join(conf, "fresh"+uploadExt)); err != nil {
		t.Error("a fresh preview in the configured directory was removed")
	}

	s, err := New(Config{Store: e.st})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(crashed); err == nil {
		t.Error("a crashed server's upload directory was kept")
	}
	if _, err := os.Stat(filepath.Join(running, "b"+uploadExt)); err != nil {
		t.Error("a running server's fresh preview was removed")
	}
	own := s.cfg.UploadDir
	if filepath.Dir(own) != tmp || !strings.HasPrefix(filepath.Base(own), uploadDirPrefix) {
		t.Fatalf("upload directory %s", own)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	b := &browser{e: &env{t: t, st: e.st, srv: srv}, c: e.browser().c}
	b.login("officer")
	if st, _ := b.upload("ok.csv", "ref,kind,party,date,amount,currency\nupload-ok-2,pledge,NLD,2021,5,EUR\n"); st != 200 {
		t.Fatalf("preview: %d", st)
	}
	if files, _ := filepath.Glob(filepath.Join(own, "*"+uploadExt)); len(files) != 1 {
		t.Fatalf("previews in %s: %v", own, files)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(own); err == nil {
		t.Error("the server's upload directory outlived Close")
	}
}

// ---------------------------------------------------------------------------
// 9. No amplification of a bad upload.

// Finding 9: a header of a million unknown columns is one problem; a file
// bad in every row lists the first problems and how many more; the page
// stays small.
func TestImportPreviewCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.login("officer")
		var wide strings.Builder
		wide.WriteString("ref,kind,party,date,amount,currency")
		for i := range 1_000_000 {
			fmt.Fprintf(&wide, ",x%d", i)
		}
		wide.WriteString("\nr1,pledge,BEL,2021,5,EUR" + strings.Repeat(",", 1_000_000) + "\n")
		st, body := b.upload("wide.csv", wide.String())
		if st != http.StatusBadRequest || !strings.Contains(body, "the header has 1000006 columns, more than the 100") || len(body) > 50<<10 {
			t.Errorf("a million columns: %d, %d bytes: %.300s", st, len(body), body)
		}
		var bad strings.Builder
		bad.WriteString("ref,kind,party,date,amount,currency\n")
		for i := range 3000 {
			fmt.Fprintf(&bad, "bad-%d,pledge,XXX,2021,5,EUR\n", i)
		}
		st, body = b.upload("bad.csv", bad.String())
		if n := strings.Count(body, "unknown party"); st != http.StatusBadRequest || n > 2*maxPreviewProblems+10 || n < maxPreviewProblems {
			t.Errorf("3000 bad rows: %d, %d problems listed", st, n)
		}
		if !strings.Contains(body, "… and 2900 more problems") || len(body) > 300<<10 {
			t.Errorf("3000 bad rows: the count of the problems not listed is missing, or the page is %d bytes", len(body))
		}
	})
}
