package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/strictjson"
)

// apiErrorBody is every API error: a stable code, a message, and for bad
// input the field and the problems.
type apiErrorBody struct {
	Error struct {
		Code     string           `json:"code"`
		Message  string           `json:"message"`
		Field    string           `json:"field,omitempty"`
		Problems []ledger.Problem `json:"problems,omitempty"`
		// For a stale If-Match: the entry's current revision and what
		// was recorded after the one the request was based on.
		Current *int                    `json:"current_revision,omitempty"`
		Since   []ledger.RevisionChange `json:"since,omitempty"`
	} `json:"error"`
}

func errorJSON(err error) (int, []byte) {
	var b apiErrorBody
	st := status(err)
	b.Error.Code, b.Error.Message = code(err), err.Error()
	var ps *ledger.Problems
	var fe *fieldError
	var lf *ledger.Failure
	var stale *ledger.StaleError
	switch {
	case errors.As(err, &stale):
		// An If-Match that names a revision no longer current: RFC 9110
		// 13.1.1 answers 412 Precondition Failed.
		st, b.Error.Code = http.StatusPreconditionFailed, "stale_revision"
		b.Error.Current, b.Error.Since = &stale.Current, stale.Since
		if b.Error.Since == nil {
			b.Error.Since = []ledger.RevisionChange{}
		}
	case errors.As(err, &ps):
		b.Error.Problems = ps.List
		if len(ps.List) > 0 {
			b.Error.Field = ps.List[0].Field
		}
	case errors.As(err, &fe):
		b.Error.Field = fe.field
	case errors.As(err, &lf) && st != http.StatusInternalServerError:
		b.Error.Field = lf.Field
	case st == http.StatusInternalServerError:
		b.Error.Message = "internal error; nothing was saved"
	}
	body, _ := json.Marshal(b)
	return st, body
}

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	st, body := errorJSON(err)
	var stale *ledger.StaleError
	if errors.As(err, &stale) {
		w.Header().Set("ETag", etag(stale.Current))
	}
	if st == http.StatusInternalServerError {
		s.log.Error("api request failed", "path", r.URL.Path, "err", err)
	}
	writeJSON(w, st, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
	if len(body) == 0 || body[len(body)-1] != '\n' {
		w.Write([]byte("\n"))
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// fieldError names the field of a bad request body.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string   { return e.field + ": " + e.msg }
func (e *fieldError) Is(t error) bool { return t == ledger.ErrInvalid }

// decode reads a JSON request body with the API's one strict decoder
// (strictjson): one object, each key once, only the fields of v spelled
// exactly, valid UTF-8, nothing after it, the right types; every failure
// names the field and the byte offset.
func decode(body []byte, v any) error {
	err := strictjson.Decode(body, v)
	var se *strictjson.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	msg := se.Msg
	if strings.HasPrefix(msg, "must be a string, not a JSON number") {
		msg += ` (amounts are strings, e.g. "18000000.00")`
	}
	if !strings.Contains(msg, "at byte") {
		msg += fmt.Sprintf(" (at byte %d)", se.Offset)
	}
	return &fieldError{se.Field, msg}
}

// maxJSONBody caps the body of a JSON API request: one entry, an
// amendment, a withdrawal or one rate (the API has no bulk write; imports
// are uploads through the pages, capped by Config.MaxUpload).
const maxJSONBody = 1 << 20

// tooLarge is a request body over its cap: 413, code too_large.
func tooLarge(limit int64) error {
	return fmt.Errorf("request body too large: %d bytes at most (an API write is one entry, amendment, withdrawal or rate): %w",
		limit, &http.MaxBytesError{Limit: limit})
}

func readAll(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, limit+1))
}

// entryBody is an entry in an API request: every value a string, so that
// an amount never passes through a float.
type entryBody struct {
	Ref       string `json:"ref"`
	Kind      string `json:"kind"`
	Party     string `json:"party"`
	Date      string `json:"date"`
	End       string `json:"end"`
	Amount    string `json:"amount"`
	Currency  string `json:"currency"`
	Qualifier string `json:"qualifier"`
	Quantity  string `json:"quantity"`
	Asset     string `json:"asset"`
	Sector    string `json:"sector"`
	Location  string `json:"location"`
	Toward    string `json:"toward"`
	Fulfils   string `json:"fulfils"`
	Source    string `json:"source"`
	Note      string `json:"note"`
	// Illustrative: true, false (or a string the CSV column takes).
	Illustrative fieldValue `json:"illustrative"`
	Title        string     `json:"title"` // a need's title
}

func (b entryBody) fields() ledger.Fields {
	return ledger.Fields{"ref": b.Ref, "kind": b.Kind, "party": b.Party, "date": b.Date, "end": b.End, "amount": b.Amount,
		"currency": b.Currency, "qualifier": b.Qualifier, "quantity": b.Quantity, "asset": b.Asset, "sector": b.Sector,
		"location": b.Location, "toward": b.Toward, "fulfils": b.Fulfils, "source": b.Source, "note": b.Note,
		"illustrative": string(b.Illustrative), "title": b.Title}
}

// fieldValue is an entry field in a request: a JSON string, or a JSON
// true or false for a yes-or-no field such as illustrative. Numbers stay
// refused, so that an amount never passes through a float.
type fieldValue string

func (v *fieldValue) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", "false":
		*v = fieldValue(data)
		return nil
	}
	return json.Unmarshal(data, (*string)(v))
}

// etag is the entity tag of an entry at revision rev: GET
// /api/v1/entries/{ref} serves it, and amend and void take it in If-Match.
func etag(rev int) string { return `"rev-` + strconv.Itoa(rev) + `"` }

// ifMatch reads the revision an amend or void is based on from If-Match:
// 0 when the header is absent or "*" (the change applies to the current
// revision: the API's amend names only the fields it changes, so it undoes
// nothing it does not name), -1 for a tag that is no revision's (a weak
// one, or not ours: it never matches, so the write is refused as stale).
// Several tags are refused: a write is based on one revision.
func ifMatch(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	if strings.Contains(h, ",") {
		return 0, &fieldError{"If-Match", "name one entity tag, the ETag of the revision the change is based on"}
	}
	n, ok := strings.CutPrefix(h, `"rev-`)
	if !ok || !strings.HasSuffix(n, `"`) {
		return -1, nil
	}
	rev, err := strconv.Atoi(strings.TrimSuffix(n, `"`))
	if err != nil || rev < 1 {
		return -1, nil
	}
	return rev, nil
}

// write runs a write once per Idempotency-Key (if given): a retry gets the
// first answer and writes nothing.
func (s *Server) write(w http.ResponseWriter, r *http.Request, p *principal, body []byte, fn func(tx *store.Tx) (int, any, error)) {
	run := func(tx *store.Tx) (int, string, error) {
		st, v, err := fn(tx)
		if err != nil {
			return 0, "", err
		}
		return st, string(mustJSON(v)), nil
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		var st int
		var out string
		err := s.st.Write(r.Context(), func(tx *store.Tx) error {
			var err error
			st, out, err = run(tx)
			return err
		})
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, st, []byte(out))
		return
	}
	if len(key) > 200 {
		s.apiError(w, r, &fieldError{"Idempotency-Key", "200 characters at most"})
		return
	}
	head := r.Method + " " + r.URL.Path + "\n"
	if m := r.Header.Get("If-Match"); m != "" {
		// The same body based on another revision is another request.
		head += "If-Match: " + m + "\n"
	}
	sum := sha256.Sum256(append([]byte(head), body...))
	st, out, replayed, err := s.st.Idempotent(r.Context(), p.user.Name, key, hex.EncodeToString(sum[:]), run)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, st, []byte(out))
}

func (s *Server) apiBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, bool) {
	limit := min(s.cfg.MaxUpload, maxJSONBody)
	body, err := readAll(r.Body, limit)
	var mbe *http.MaxBytesError
	if (err == nil && int64(len(body)) > limit) || errors.As(err, &mbe) {
		err = tooLarge(limit)
	}
	if err != nil {
		s.apiError(w, r, err)
		return nil, false
	}
	if err := decode(body, v); err != nil {
		s.apiError(w, r, err)
		return nil, false
	}
	return body, true
}

func (s *Server) apiEntryCreate(w http.ResponseWriter, r *http.Request, p *principal) {
	var in entryBody
	body, ok := s.apiBody(w, r, &in)
	if !ok {
		return
	}
	s.write(w, r, p, body, func(tx *store.Tx) (int, any, error) {
		known := tx.PartyCheck(r.Context())
		sectors, err := tx.SectorVocab(r.Context())
		if err != nil {
			return 0, nil, err
		}
		e, ps := ledger.ParseEntry(in.fields(), 0, ledger.Known{Party: known.Known, Sectors: sectors}, ledger.RefOptional)
		if err := known.Err(); err != nil {
			return 0, nil, err
		}
		if len(ps) > 0 {
			return 0, nil, &ledger.Problems{List: ps}
		}
		rev, err := tx.Add(r.Context(), e, p.user.Name)
		if err != nil {
			return 0, nil, err
		}
		s.audit(r.Context(), p, "add", "ref", e.Ref, "via", "api")
		return s.entryWithWarnings(r.Context(), http.StatusCreated, rev)
	})
}

func (s *Server) apiEntryAmend(w http.ResponseWriter, r *http.Request, p *principal) {
	var in struct {
		Changes map[string]fieldValue `json:"changes"`
		Reason  string                `json:"reason"`
	}
	body, ok := s.apiBody(w, r, &in)
	if !ok {
		return
	}
	ref := r.PathValue("ref")
	base, err := ifMatch(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.write(w, r, p, body, func(tx *store.Tx) (int, any, error) {
		if len(in.Changes) == 0 {
			return 0, nil, &fieldError{"changes", "give at least one field to change"}
		}
		changes := ledger.Fields{}
		for k, v := range in.Changes {
			changes[k] = string(v)
		}
		rev, err := tx.Amend(r.Context(), ref, base, changes, in.Reason, p.user.Name)
		if err != nil {
			return 0, nil, err
		}
		w.Header().Set("ETag", etag(rev.Rev))
		s.audit(r.Context(), p, "amend", "ref", ref, "via", "api")
		return s.entryWithWarnings(r.Context(), http.StatusOK, rev)
	})
}

func (s *Server) apiEntryVoid(w http.ResponseWriter, r *http.Request, p *principal) {
	var in struct {
		Reason string `json:"reason"`
	}
	body, ok := s.apiBody(w, r, &in)
	if !ok {
		return
	}
	ref := r.PathValue("ref")
	base, err := ifMatch(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.write(w, r, p, body, func(tx *store.Tx) (int, any, error) {
		rev, err := tx.Void(r.Context(), ref, base, in.Reason, p.user.Name)
		if err != nil {
			return 0, nil, err
		}
		w.Header().Set("ETag", etag(rev.Rev))
		s.audit(r.Context(), p, "void", "ref", ref, "via", "api")
		return http.StatusOK, map[string]any{"ref": ref, "revision": rev.Rev, "action": "void"}, nil
	})
}

func (s *Server) apiEntries(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	f, err := entryFilter(q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if a := q.Get("as-of"); a != "" {
		h, err := s.st.HeadAsOf(r.Context(), a)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		f.Seq = h.Seq
	}
	if f.Limit, err = pagingParam(q, "limit", 100, 1, 1000); err != nil {
		s.apiError(w, r, err)
		return
	}
	if f.Skip, err = pagingParam(q, "offset", 0, 0, maxOffset); err != nil {
		s.apiError(w, r, err)
		return
	}
	total, err := s.st.CountEntries(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := struct {
		Total   int                `json:"total"`
		Entries []render.EntryJSON `json:"entries"`
	}{Total: total, Entries: []render.EntryJSON{}}
	if err := s.st.Entries(r.Context(), f, func(rev ledger.Revision) error {
		out.Entries = append(out.Entries, render.Entry(rev))
		return nil
	}); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mustJSON(out))
}

func (s *Server) apiEntry(w http.ResponseWriter, r *http.Request, p *principal) {
	hist, err := s.st.History(r.Context(), r.PathValue("ref"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type revJSON struct {
		Revision   int              `json:"revision"`
		Action     string           `json:"action"`
		RecordedAt string           `json:"recorded_at"`
		Author     string           `json:"recorded_by"`
		Reason     string           `json:"reason,omitempty"`
		Hash       string           `json:"hash"`
		Entry      render.EntryJSON `json:"entry"`
	}
	out := struct {
		Current render.EntryJSON `json:"current"`
		Voided  bool             `json:"voided"`
		History []revJSON        `json:"history"`
	}{Current: render.Entry(hist[len(hist)-1]), Voided: hist[len(hist)-1].Action == ledger.Void}
	w.Header().Set("ETag", etag(hist[len(hist)-1].Rev))
	for _, h := range hist {
		out.History = append(out.History, revJSON{h.Rev, string(h.Action), h.RecordedAt.Format(ledger.TimeLayout), h.Author, h.Reason, h.Hash, render.Entry(h)})
	}
	writeJSON(w, http.StatusOK, mustJSON(out))
}

func (s *Server) apiRates(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	rates, err := s.st.Rates(r.Context(), store.RateFilter{Currency: strings.ToUpper(q.Get("currency")), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if rates == nil {
		rates = []store.RateRow{}
	}
	writeJSON(w, http.StatusOK, mustJSON(map[string]any{"rates": rates}))
}

func (s *Server) apiRateCreate(w http.ResponseWriter, r *http.Request, p *principal) {
	var in struct {
		Date    string `json:"date"`
		Base    string `json:"base"`
		Quote   string `json:"quote"`
		Rate    string `json:"rate"`
		Source  string `json:"source"`
		Replace bool   `json:"replace"`
		Force   bool   `json:"force"`
	}
	body, ok := s.apiBody(w, r, &in)
	if !ok {
		return
	}
	if in.Source == "" {
		in.Source = "manual"
	}
	rate, ps := ledger.ParseRate(ledger.RateFields{Date: in.Date, Base: in.Base, Quote: in.Quote, Rate: in.Rate, Source: in.Source}, 0)
	if len(ps) > 0 {
		s.apiError(w, r, &ledger.Problems{File: "request", List: ps})
		return
	}
	// Once per Idempotency-Key, like the entry writes: a retry gets the
	// first answer and records nothing.
	s.write(w, r, p, body, func(tx *store.Tx) (int, any, error) {
		res, err := tx.ImportRates(r.Context(), csvio.RatesOf("request", rate), store.RateImportOptions{Replace: in.Replace, Force: in.Force, Author: p.user.Name})
		if err != nil {
			return 0, nil, err
		}
		s.audit(r.Context(), p, "rate", "date", in.Date, "pair", in.Base+"/"+in.Quote, "via", "api")
		st := http.StatusCreated
		if res.Skipped > 0 {
			st = http.StatusOK
		}
		return st, res, nil
	})
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, p *principal) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	name := r.PathValue("name")
	base := reportBase(name, r.URL.Query())
	d, err := s.reportFile(r, "api/reports", name, format)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentTypes[d.ext])
	if render.Binary(format) || d.ext == "zip" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", base+"."+d.ext))
	}
	writeAnswer(w, r, d.data)
}

func (s *Server) apiChart(w http.ResponseWriter, r *http.Request, p *principal) {
	page, err := s.chartPage(r.Context(), "chart", "", r.URL.Query(), []string{r.PathValue("name")})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeAnswer(w, r, page)
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, openAPI)
}

// entryWithWarnings is an entry's JSON with the warnings about its place in
// its chain (ledger.ChainWarnings): recorded, but worth a second look.
func (s *Server) entryWithWarnings(ctx context.Context, status int, rev ledger.Revision) (int, any, error) {
	j := render.Entry(rev)
	ws, err := s.st.ChainWarnings(ctx, rev.Entry)
	if err != nil {
		return 0, nil, err
	}
	j.Warnings = ws
	return status, j, nil
}
