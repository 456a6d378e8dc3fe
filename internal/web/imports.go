package web

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/xlsxio"
)

// upload is a CSV file or an XLSX workbook waiting, after its preview, for
// its commit.
type upload struct {
	user, path, name string
	amend            bool
	reason           string // recorded on every correction; required with amend
	decimalComma     *bool
	workbook         bool
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
	Reason   string
	// Rows say what each row of the file does, or would do: the preview
	// lists them before the commit.
	Rows     []importRow
	Unlisted int
}

// importRow is one row of an import as the preview lists it.
type importRow struct {
	Line     int
	Ref      string
	What     string // new, unchanged, amend, refused
	Changes  []ledger.Change
	Problems []string
}

// maxPreviewProblems is how many problems a preview lists (then how many
// more there are): the page of a file with a million bad cells stays
// small.
const maxPreviewProblems = 100

// previewProblems phrases the first maxPreviewProblems of ps, one a line,
// and a last line counting the rest.
func previewProblems(l *model.Lang, ps *ledger.Problems) []string {
	return splitLines(phraseError(l, ps.Capped(maxPreviewProblems)))
}

// uploadName is the name of an uploaded file as the browser gave it,
// without its folders (a Windows browser may send C:\...\file.csv),
// control characters or excess length.
func uploadName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100]) + "…"
	}
	if strings.TrimSpace(name) == "" || name == "." || name == ".." {
		return "upload"
	}
	return name
}

// listRows turns the outcomes of an import into the preview's rows: the
// problems of refused rows up to maxPreviewProblems in all; the rows past
// that are counted in Unlisted.
func (d *importData) listRows(l *model.Lang, res store.ImportResult) {
	names := map[store.RowAction]string{store.RowAdd: "new", store.RowAmend: "amend", store.RowUnchanged: "unchanged", store.RowRefused: "refused"}
	listed := 0
	for _, o := range res.Outcomes {
		if len(o.Problems) > 0 && listed >= maxPreviewProblems {
			d.Unlisted++
			continue
		}
		r := importRow{Line: o.Line, Ref: o.Ref, What: names[o.Action], Changes: o.Changes}
		for i, p := range o.Problems {
			if listed >= maxPreviewProblems {
				r.Problems = append(r.Problems, phraseProblem(l, ledger.MoreProblems(len(o.Problems)-i)))
				break
			}
			listed++
			msg := phraseProblem(l, p)
			if p.Field != "" {
				msg = p.Field + ": " + msg
			}
			r.Problems = append(r.Problems, msg)
		}
		d.Rows = append(d.Rows, r)
	}
	d.Unlisted += res.Unlisted
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, p *principal) {
	d := &importData{pageData: pageData{Title: p.lang.T("ui.import.title")}}
	s.fill(&d.pageData, p)
	s.render(w, r, http.StatusOK, "import", d)
}

func (u upload) source() csvio.Source {
	var src csvio.Source
	if u.workbook {
		src = xlsxio.FileSource(u.path, xlsxio.Options{DecimalComma: u.decimalComma})
	} else {
		src = csvio.NamedFileSource(u.path, u.name, csvio.Options{DecimalComma: u.decimalComma}, nil)
	}
	src.Name = u.name // problems name the file uploaded, never where it waits
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
	u := upload{user: p.user.Name, name: uploadName(hdr.Filename),
		amend: r.PostFormValue("amend") == "on", reason: strings.TrimSpace(r.PostFormValue("reason")), at: time.Now()}
	d.Amend, d.Reason = u.amend, u.reason
	if u.amend && u.reason == "" {
		d.Problems = []string{"reason: required with “amend”: say why these rows correct the ledger (it is recorded on every correction)"}
		s.render(w, r, http.StatusBadRequest, "import", d)
		return
	}
	if r.PostFormValue("decimal_comma") == "on" {
		t := true
		u.decimalComma = &t
	}
	if u.path, err = s.uploadPath(id); err != nil {
		s.errorPage(w, r, p, err)
		return
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
	u.workbook, err = xlsxio.Detect(u.path, u.name)
	if err != nil {
		os.Remove(u.path)
		var ps *ledger.Problems
		if errors.As(err, &ps) {
			d.Name = u.name
			d.Problems = previewProblems(p.lang, ps)
			s.render(w, r, http.StatusBadRequest, "import", d)
			return
		}
		s.errorPage(w, r, p, err)
		return
	}
	res, err := s.st.Import(r.Context(), u.source(), store.ImportOptions{Amend: u.amend, Author: p.user.Name, Reason: u.reason, DryRun: true})
	d.Name = u.name
	d.listRows(p.lang, res)
	var ps *ledger.Problems
	switch {
	case errors.As(err, &ps):
		os.Remove(u.path)
		d.Problems = previewProblems(p.lang, ps)
		s.render(w, r, http.StatusBadRequest, "import", d)
		return
	case err != nil:
		os.Remove(u.path)
		s.errorPage(w, r, p, err)
		return
	}
	s.mu.Lock()
	s.expireUploads(time.Now()) // a preview waits an hour for its commit
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
	if _, err := os.Stat(u.path); ok && err != nil {
		ok = false // its file is gone: removed at a restart
	}
	if !ok || u.user != p.user.Name {
		s.errorPage(w, r, p, &ledger.Problems{List: []ledger.Problem{{Msg: "this preview has expired or was already committed: upload the file again"}}})
		return
	}
	defer os.Remove(u.path)
	d := &importData{pageData: pageData{Title: p.lang.T("ui.import.done")}, Name: u.name}
	s.fill(&d.pageData, p)
	res, err := s.st.Import(r.Context(), u.source(), store.ImportOptions{Amend: u.amend, Author: p.user.Name, Reason: u.reason})
	var ps *ledger.Problems
	if errors.As(err, &ps) {
		d.Problems = previewProblems(p.lang, ps)
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
