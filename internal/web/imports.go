package web

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
)

// upload is a CSV file waiting, after its preview, for its commit.
type upload struct {
	user, path, name string
	amend            bool
	decimalComma     *bool
	at               time.Time
}

type importData struct {
	pageData
	ID       string
	Name     string
	Result   *store.ImportResult
	Problems []string
	Done     bool
	Amend    bool
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, p *principal) {
	d := &importData{pageData: pageData{Title: p.lang.T("ui.import.title")}}
	s.fill(&d.pageData, p)
	s.render(w, r, http.StatusOK, "import", d)
}

func (u upload) source() csvio.Source {
	opt := csvio.Options{DecimalComma: u.decimalComma}
	src := csvio.FileSource(u.path, opt, nil)
	src.Name = u.name
	return src
}

// importPreview stores the upload and checks it whole, writing nothing:
// every row's problems, or what the commit will add.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, p *principal) {
	d := &importData{pageData: pageData{Title: p.lang.T("ui.import.preview")}}
	s.fill(&d.pageData, p)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		d.Problems = []string{p.lang.T("ui.import.nofile")}
		s.render(w, r, http.StatusBadRequest, "import", d)
		return
	}
	defer file.Close()
	id, _ := access.NewSecret("")
	id = id[:20]
	u := upload{user: p.user.Name, path: filepath.Join(s.cfg.UploadDir, id+".csv"), name: filepath.Base(hdr.Filename),
		amend: r.PostFormValue("amend") == "on", at: time.Now()}
	if r.PostFormValue("decimal_comma") == "on" {
		t := true
		u.decimalComma = &t
	}
	out, err := os.Create(u.path)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	_, err = io.Copy(out, file)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(u.path)
		s.errorPage(w, r, p, err)
		return
	}
	res, err := s.st.Import(r.Context(), u.source(), store.ImportOptions{Amend: u.amend, Author: p.user.Name, Reason: "import " + u.name, DryRun: true})
	d.Name, d.Amend = u.name, u.amend
	var ps *ledger.Problems
	switch {
	case errors.As(err, &ps):
		os.Remove(u.path)
		d.Problems = splitLines(phraseError(p.lang, ps))
		s.render(w, r, http.StatusBadRequest, "import", d)
		return
	case err != nil:
		os.Remove(u.path)
		s.errorPage(w, r, p, err)
		return
	}
	s.mu.Lock()
	// A preview waits an hour for its commit; older ones are dropped.
	for k, old := range s.uploads {
		if time.Since(old.at) > time.Hour {
			os.Remove(old.path)
			delete(s.uploads, k)
		}
	}
	s.uploads[id] = u
	s.mu.Unlock()
	d.ID, d.Result = id, &res
	s.render(w, r, http.StatusOK, "import", d)
}

// importCommit imports a previewed upload, in one transaction.
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request, p *principal) {
	id := r.PathValue("id")
	s.mu.Lock()
	u, ok := s.uploads[id]
	if ok && u.user == p.user.Name {
		delete(s.uploads, id) // one commit per preview: a double click cannot import twice
	}
	s.mu.Unlock()
	if !ok || u.user != p.user.Name {
		s.errorPage(w, r, p, &ledger.Problems{List: []ledger.Problem{{Msg: "this preview has expired or was already committed: upload the file again"}}})
		return
	}
	defer os.Remove(u.path)
	d := &importData{pageData: pageData{Title: p.lang.T("ui.import.done")}, Name: u.name}
	s.fill(&d.pageData, p)
	res, err := s.st.Import(r.Context(), u.source(), store.ImportOptions{Amend: u.amend, Author: p.user.Name, Reason: "import " + u.name})
	var ps *ledger.Problems
	if errors.As(err, &ps) {
		d.Problems = splitLines(phraseError(p.lang, ps))
		s.render(w, r, http.StatusBadRequest, "import", d)
		return
	}
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	s.audit(r.Context(), p, "import", "file", u.name, "added", res.Added, "amended", res.Amended, "unchanged", res.Skipped)
	d.Result, d.Done = &res, true
	s.render(w, r, http.StatusOK, "import", d)
}
