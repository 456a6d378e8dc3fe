package web

import (
	"net/http"

	"github.com/coalition/pledger/internal/access"
)

// routes is the table of contents of the web app: every route, and the
// permission it needs. Every response goes through secure (security.go)
// and deadlines (timeouts.go).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	read, write, publish, admin, view := access.ReadLedger, access.WriteLedger, access.Publish, access.ManageUsers, access.ViewPublished

	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /static/{file}", s.staticFile)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.page(view, s.logout))
	mux.HandleFunc("GET /{$}", s.page(view, s.home))
	mux.HandleFunc("POST /language", s.page(view, s.setLanguage))

	mux.HandleFunc("GET /entries", s.page(read, s.entriesList))
	mux.HandleFunc("GET /entries/new", s.page(write, s.entryNewForm))
	mux.HandleFunc("POST /entries", s.page(write, s.entryCreate))
	mux.HandleFunc("GET /entries/{ref}", s.page(read, s.entryShow))
	mux.HandleFunc("GET /entries/{ref}/amend", s.page(write, s.entryAmendForm))
	mux.HandleFunc("POST /entries/{ref}/amend", s.page(write, s.entryAmend))
	mux.HandleFunc("POST /entries/{ref}/void", s.page(write, s.entryVoid))

	mux.HandleFunc("GET /import", s.page(write, s.importForm))
	mux.HandleFunc("POST /import", s.page(write, s.importPreview))
	mux.HandleFunc("POST /import/{id}/commit", s.page(write, s.importCommit))

	mux.HandleFunc("GET /rates", s.page(read, s.ratesList))
	mux.HandleFunc("POST /rates", s.page(write, s.rateAdd))
	mux.HandleFunc("POST /rates/import", s.page(write, s.rateImport))

	mux.HandleFunc("GET /reports", s.page(read, s.reportsForm))
	mux.HandleFunc("GET /reports/view", s.page(read, s.reportView))
	mux.HandleFunc("GET /charts/{name}", s.page(read, s.chartView))
	mux.HandleFunc("GET /dashboard", s.page(read, s.dashboard))
	mux.HandleFunc("POST /publish", s.page(publish, s.publish))
	mux.HandleFunc("GET /published", s.page(view, s.publishedList))
	mux.HandleFunc("GET /published/{id}", s.page(view, s.publishedView))

	mux.HandleFunc("GET /users", s.page(admin, s.usersList))
	mux.HandleFunc("POST /users", s.page(admin, s.userAdd))
	mux.HandleFunc("POST /users/{name}", s.page(admin, s.userSet))
	mux.HandleFunc("GET /users/{name}/tokens", s.page(admin, s.userTokens))
	mux.HandleFunc("POST /users/{name}/tokens/{id}/revoke", s.page(admin, s.userTokenRevoke))
	mux.HandleFunc("GET /account", s.page(view, s.account))
	mux.HandleFunc("POST /account/password", s.page(view, s.accountPassword))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.page(view, s.accountTokenRevoke))
	mux.HandleFunc("GET /parties", s.page(read, s.partiesList))
	mux.HandleFunc("POST /parties", s.page(admin, s.partyAdd))

	mux.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)
	mux.HandleFunc("GET /api/v1/entries", s.api(read, s.apiEntries))
	mux.HandleFunc("POST /api/v1/entries", s.api(write, s.apiEntryCreate))
	mux.HandleFunc("GET /api/v1/entries/{ref}", s.api(read, s.apiEntry))
	mux.HandleFunc("POST /api/v1/entries/{ref}/amend", s.api(write, s.apiEntryAmend))
	mux.HandleFunc("POST /api/v1/entries/{ref}/void", s.api(write, s.apiEntryVoid))
	mux.HandleFunc("GET /api/v1/rates", s.api(read, s.apiRates))
	mux.HandleFunc("POST /api/v1/rates", s.api(write, s.apiRateCreate))
	mux.HandleFunc("GET /api/v1/reports/{name}", s.api(read, s.apiReport))
	mux.HandleFunc("GET /api/v1/charts/{name}", s.api(read, s.apiChart))
	return s.secure(s.deadlines(mux))
}
