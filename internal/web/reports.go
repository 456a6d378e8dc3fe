package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/chartrun"
	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
)

// reportRequest reads report options from a query string: the same names
// as the CLI's flags.
func reportRequest(q url.Values) report.Request {
	list := func(k string) []string {
		var out []string
		for _, v := range q[k] {
			for _, x := range strings.Split(v, ",") {
				if x = strings.TrimSpace(x); x != "" {
					out = append(out, x)
				}
			}
		}
		return out
	}
	def := func(k, d string) string {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			return v
		}
		return d
	}
	stale, err := strconv.Atoi(def("max-staleness", strconv.Itoa(model.Defaults.MaxStale)))
	if err != nil {
		stale = -1 // refused by model.ParseValuation
	}
	return report.Request{Currency: def("currency", model.Defaults.Currency), Valuation: def("valuation", model.Defaults.Valuation), MaxStale: stale,
		AsOf: q.Get("as-of"), From: q.Get("from"), To: q.Get("to"), Lang: def("lang", model.Defaults.Lang), By: q.Get("by"), ActiveOn: q.Get("active-on"),
		Parties: list("party"), Sectors: list("sector"), Locations: list("location"), RateSources: append(list("rate_source"), list("rate-source")...),
		AllowUnverified: q.Get("allow-unverified") != "", Codes: q.Get("codes") != "", Unit: q.Get("unit")}
}

type reportsData struct {
	pageData
	Reports []*report.Def
	Charts  []string
	Formats []string
	// Dialects are the CSV dialects, the default first.
	Dialects []string
	Q        url.Values
	Pick     *pickers
}

func (s *Server) reportsForm(w http.ResponseWriter, r *http.Request, p *principal) {
	d := &reportsData{pageData: pageData{Title: p.lang.T("ui.reports.title")}, Reports: report.Catalog(), Charts: chart.Names, Formats: render.Formats,
		Dialects: render.Dialects, Q: r.URL.Query()}
	s.fill(&d.pageData, p)
	pick, err := s.pickers(r.Context(), p.lang, pickList{})
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d.Pick = pick
	s.render(w, r, http.StatusOK, "reports", d)
}

// reportModel is the model of report name for req (and the party of a
// profile), in the state of v: kept, or made now.
func (s *Server) reportModel(ctx context.Context, v cacheView, name string, req report.Request, party string) (*model.Model, *model.Lang, error) {
	val, err := v.get(ctx, "model", modelKey(name, req, map[string]string{"party": party}), func(ctx context.Context) (any, int64, bool, error) {
		opt, err := req.Options(ctx, s.st)
		if err != nil {
			return nil, 0, false, err
		}
		opt.Params["party"] = party
		m, err := report.Run(ctx, s.st, name, opt)
		if err != nil {
			return nil, 0, false, err
		}
		return m, modelSize(m), v.of([]*model.Model{m}), nil
	})
	if err != nil {
		return nil, nil, err
	}
	lang, err := requestLang(req)
	return val.(*model.Model), lang, err
}

// requestLang is the reader's language of req, as req.Options makes it: a
// language of its own for each request, never shared with another.
func requestLang(req report.Request) (*model.Lang, error) {
	l, err := model.ParseLang(req.Lang)
	if err != nil {
		return nil, err
	}
	l.Codes = req.Codes
	return l, nil
}

// reportFile is report name as the query of r asks for it, rendered in
// format: kept for the route, the name and the whole query in the
// ledger's state, or made now (from the kept model when there is one).
func (s *Server) reportFile(r *http.Request, route, name, format string) (download, error) {
	q := r.URL.Query()
	req := reportRequest(q)
	v, err := s.view(r.Context(), req)
	if err != nil {
		return download{}, err
	}
	val, err := v.get(r.Context(), "page", pageKey(route, q, name), func(ctx context.Context) (any, int64, bool, error) {
		m, lang, err := s.reportModel(ctx, v, name, req, q.Get("report-party"))
		if err != nil {
			return nil, 0, false, err
		}
		d, err := renderReport(m, lang, format, q, reportBase(name, q))
		if err != nil {
			return nil, 0, false, err
		}
		return d, int64(len(d.data)) + 512, v.of([]*model.Model{m}), nil
	})
	if err != nil {
		return download{}, err
	}
	return val.(download), nil
}

var contentTypes = map[string]string{
	"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8",
	"json": "application/json", "table": "text/plain; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip",
}

// download is a report rendered for a response: its bytes, its type and
// the name of the file it is.
type download struct {
	data []byte
	ext  string // the file's extension: the format, or zip
}

// renderReport renders m in format, with the CSV options of the query
// (table, csv-dialect), for the page and the API alike: a CSV holds one
// table (the one named, or the report's only one); a report of several
// tables without one named comes as a zip of a CSV file per table
// (NAME-KEY.csv), as the command line's --out DIR writes them.
func renderReport(m *model.Model, lang *model.Lang, format string, q url.Values, base string) (download, error) {
	var buf bytes.Buffer
	opt := render.Options{Table: q.Get("table"), Dialect: q.Get("csv-dialect")}
	if format == "csv" && opt.Table == "" && len(m.Sections) > 1 {
		if _, err := render.ParseDialect(opt.Dialect); err != nil {
			return download{}, err
		}
		if err := render.WriteCSVZip(&buf, m, lang, opt.Dialect, base); err != nil {
			return download{}, err
		}
		return download{buf.Bytes(), "zip"}, nil
	}
	if err := render.WriteWith(&buf, m, format, lang, opt); err != nil {
		return download{}, err
	}
	return download{buf.Bytes(), format}, nil
}

// writeAnswer writes a report, chart or dashboard (its other headers
// set) whole and with its length: a body of known length is carried in one
// piece, not chunked, which for the megabytes of a dashboard measured two
// to three times faster over loopback.
// writeAnswer writes a report, chart or dashboard with an entity tag
// made from its bytes, so that a client that kept an earlier answer (an
// API script polling a report) can ask again with If-None-Match and get
// 304 Not Modified, and no body, while the answer is the same. The bytes
// of an answer are a pure function of the ledger state and the query
// (the report cache's rule), so the tag changes exactly when the figures,
// or anything else in the answer, do. Pages still say no-store
// (security.go): a browser keeps nothing.
func writeAnswer(w http.ResponseWriter, r *http.Request, data []byte) {
	sum := sha256.Sum256(data)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	w.Header().Set("ETag", tag)
	if ifNoneMatch(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// ifNoneMatch tells whether an If-None-Match header names tag (or is
// "*"), by the weak comparison RFC 9110 asks for there.
func ifNoneMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// reportBase is the base of a report's file names: its name, and the
// party of a profile (party-BEL).
func reportBase(name string, q url.Values) string {
	if p := q.Get("report-party"); p != "" && name == "party" {
		return name + "-" + strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, p)
	}
	return name
}

// reportView shows a report as HTML, or downloads it in another format.
func (s *Server) reportView(w http.ResponseWriter, r *http.Request, p *principal) {
	name := r.URL.Query().Get("name")
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	d, err := s.reportFile(r, "reports/view", name, format)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", contentTypes[d.ext])
	if format != "html" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", reportBase(name, r.URL.Query())+"."+d.ext))
	}
	writeAnswer(w, r, d.data)
}

// chartOptions reads the drawing options.
func chartOptions(q url.Values) chart.Options {
	n, _ := strconv.Atoi(q.Get("top"))
	return chart.Options{TopN: n, Cumulative: q.Get("cumulative") == "on" || q.Get("cumulative") == "true", Lines: q.Get("lines") == "on" || q.Get("lines") == "true"}
}

// chartItems makes the reports the named charts draw, each kept in the
// cache on its own: a chart's page, the dashboard and the page of the
// report a chart draws as it is share them.
func (s *Server) chartItems(ctx context.Context, v cacheView, req report.Request, names []string) ([]chart.Item, *model.Lang, error) {
	var opt *report.Options // made once, when a chart is not kept
	items := make([]chart.Item, 0, len(names))
	for _, n := range names {
		rep, params, err := chart.Source(n)
		if err != nil {
			return nil, nil, err
		}
		val, err := v.get(ctx, "model", modelKey(rep, req, params), func(ctx context.Context) (any, int64, bool, error) {
			if opt == nil {
				o, err := req.Options(ctx, s.st)
				if err != nil {
					return nil, 0, false, err
				}
				opt = &o
			}
			it, err := chartrun.Items(ctx, s.st, *opt, []string{n})
			if err != nil {
				return nil, 0, false, err
			}
			return it[0].Model, modelSize(it[0].Model), v.of([]*model.Model{it[0].Model}), nil
		})
		if err != nil {
			return nil, nil, err
		}
		items = append(items, chart.Item{Name: n, Model: val.(*model.Model)})
	}
	lang, err := requestLang(req)
	return items, lang, err
}

// chartPage is a chart's page (names: one chart) or a dashboard (title
// and every chart) for the query q: kept for the route, the name and the
// whole query in the ledger's state, or drawn now from the charts'
// models (kept or made).
func (s *Server) chartPage(ctx context.Context, route, title string, q url.Values, names []string) ([]byte, error) {
	req := reportRequest(q)
	v, err := s.view(ctx, req)
	if err != nil {
		return nil, err
	}
	val, err := v.get(ctx, "page", pageKey(route, q, append([]string{title}, names...)...), func(ctx context.Context) (any, int64, bool, error) {
		items, lang, err := s.chartItems(ctx, v, req, names)
		if err != nil {
			return nil, 0, false, err
		}
		var buf bytes.Buffer
		if route == "dashboard" {
			err = chart.WriteDashboard(&buf, title, items, lang, chartOptions(q))
		} else {
			err = chart.WritePage(&buf, items[0], lang, chartOptions(q))
		}
		if err != nil {
			return nil, 0, false, err
		}
		ms := make([]*model.Model, len(items))
		for i := range items {
			ms[i] = items[i].Model
		}
		return buf.Bytes(), int64(buf.Len()) + 512, v.of(ms), nil
	})
	if err != nil {
		return nil, err
	}
	return val.([]byte), nil
}

func (s *Server) chartView(w http.ResponseWriter, r *http.Request, p *principal) {
	page, err := s.chartPage(r.Context(), "chart", "", r.URL.Query(), []string{r.PathValue("name")})
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeAnswer(w, r, page)
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, p *principal) {
	s.writeDashboard(w, r, p, r.URL.Query(), "Coalition dashboard")
}

func (s *Server) writeDashboard(w http.ResponseWriter, r *http.Request, p *principal, q url.Values, title string) {
	page, err := s.chartPage(r.Context(), "dashboard", title, q, chart.Names)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeAnswer(w, r, page)
}

// publish freezes the dashboard with these options at the ledger's
// current moment, for viewers.
func (s *Server) publish(w http.ResponseWriter, r *http.Request, p *principal) {
	q := url.Values{}
	for _, k := range []string{"currency", "valuation", "max-staleness", "from", "to", "party", "sector", "location", "lang", "by", "top", "cumulative", "lines", "rate_source"} {
		if v := r.PostFormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	title := strings.TrimSpace(r.PostFormValue("title"))
	if title == "" {
		title = "Coalition dashboard"
	}
	if len(title) > 200 {
		s.errorPage(w, r, p, &ledger.Problems{List: []ledger.Problem{{Field: "title", Msg: "200 characters at most"}}})
		return
	}
	// Check the options now, and pin the moment.
	opt, err := reportRequest(q).Options(r.Context(), s.st)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	st, err := report.Open(r.Context(), s.st, opt)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	q.Set("as-of", st.AsOf.Format(time.RFC3339Nano))
	// and the order of preference among rate sources (the default may
	// change with the environment); a name with a comma cannot be listed
	// and falls back to its place by count.
	table, err := st.Rates(r.Context())
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	var order []string
	for _, src := range table.Sources() {
		if !strings.Contains(src, ",") {
			order = append(order, src)
		}
	}
	if len(order) > 0 {
		q.Set("rate_source", strings.Join(order, ","))
	}
	sn, err := s.st.Publish(r.Context(), store.Snapshot{Title: title, AsOf: st.AsOf.Format(ledger.TimeLayout), Options: q.Encode(), PublishedBy: p.user.Name})
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	s.audit(r.Context(), p, "publish", "snapshot", sn.ID, "as_of", sn.AsOf)
	if s.cfg.SigningKey != nil {
		// A published dashboard names a state; a signed checkpoint of it
		// lets anyone confirm later that the ledger still holds it.
		c, err := s.st.Checkpoint(r.Context(), s.cfg.SigningKey)
		if err != nil {
			s.errorPage(w, r, p, err)
			return
		}
		s.audit(r.Context(), p, "checkpoint", "state", c.Line())
	}
	http.Redirect(w, r, "/published/"+sn.ID, http.StatusSeeOther)
}

type publishedData struct {
	pageData
	Snapshots []store.Snapshot
}

func (s *Server) publishedList(w http.ResponseWriter, r *http.Request, p *principal) {
	sns, err := s.st.Snapshots(r.Context())
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	d := &publishedData{pageData: pageData{Title: p.lang.T("ui.published.title")}, Snapshots: sns}
	s.fill(&d.pageData, p)
	s.render(w, r, http.StatusOK, "published", d)
}

func (s *Server) publishedView(w http.ResponseWriter, r *http.Request, p *principal) {
	sn, err := s.st.SnapshotByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	q, err := url.ParseQuery(sn.Options)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	s.writeDashboard(w, r, p, q, sn.Title)
}

var _ = json.Marshal
