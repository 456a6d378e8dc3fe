package store

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/ledger"
)

// Backup and restore: the whole ledger as one portable archive, read in
// one snapshot while the ledger keeps serving, and rebuilt row for row in
// an empty ledger of either engine, in one transaction that verifies what
// it wrote before it commits.
//
// The archive (format "pledger-backup", version 1) is a zip file:
//
//	TABLE.jsonl    one part per table: one JSON object per row, its
//	               columns in the table's order, rows in key order.
//	               Every value as stored: text as JSON strings (amounts
//	               are integer minor units, rates decimal text, times
//	               fixed-width UTC text), integers as JSON integers,
//	               NULL as null.
//	manifest.json  written last: the format and its version, the pledger
//	               that wrote it, the schema version, the engine read,
//	               when, the chain head (SEQ:HASH), the last revision, the
//	               last verification of the source, and each part's
//	               table, columns, rows, bytes and SHA-256.
//
// The parts are the same bytes whichever engine they were read from, so
// an archive restored and backed up again gives the same parts (only the
// manifest's times and engine differ).

// ArchiveFormat names the format in a manifest.
const ArchiveFormat = "pledger-backup"

// ArchiveVersion is the version of the format this binary writes and the
// newest it reads.
const ArchiveVersion = 1

// ManifestName is the manifest's name in the archive.
const ManifestName = "manifest.json"

// colKind is how a column is stored and archived.
type colKind uint8

const (
	textCol    colKind = iota // TEXT NOT NULL: a JSON string
	intCol                    // an integer NOT NULL: a JSON integer
	nullIntCol                // an integer or NULL
)

type archiveCol struct {
	name   string
	kind   colKind
	secret bool // an account's secret: archived only with the accounts
}

// archiveTable is a table as archived: its columns, in the table's order,
// and the key its rows are ordered by.
type archiveTable struct {
	name     string
	cols     []archiveCol
	key      string
	textKey  bool // order by the key's bytes, the same on both engines
	accounts bool // archived only with the accounts
}

// cols reads a column list: NAME (text), NAME:i (integer), NAME:n
// (integer or NULL), NAME:s (a secret, text).
func cols(spec string) []archiveCol {
	var out []archiveCol
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		c := archiveCol{name: name}
		switch kind {
		case "i":
			c.kind = intCol
		case "n":
			c.kind = nullIntCol
		case "s":
			c.secret = true
		}
		out = append(out, c)
	}
	return out
}

// archiveTables are the tables an archive holds, in the order a restore
// writes them (parties before the revisions that name them, users before
// their tokens). Every column of each is archived: a test checks this list
// against the schema, so a migration that adds a column or a table must
// say here how it is archived.
var archiveTables = []archiveTable{
	{name: "parties", key: "code", textKey: true, cols: cols("code name type chain_seq:i")},
	{name: "sectors", key: "code", textKey: true, cols: cols("code name_en name_nl name_fr spellings chain_seq:i")},
	{name: "revisions", key: "seq", cols: cols(`seq:i ref rev:i action supersedes:n kind party date date_first date_last
		end_date end_last amount_minor:n currency qualifier quantity:n asset sector location toward fulfils source note
		reason author recorded_at content_hash prev_hash hash illustrative:i title`)},
	{name: "rates", key: "id", cols: cols("id:i day base quote rate source supersedes:n author recorded_at")},
	{name: "chain", key: "seq", cols: cols("seq:i what first_id:i last_id:i digest author recorded_at prev_hash hash")},
	{name: "checkpoints", key: "id", cols: cols("id:i chain_seq:i chain_hash signed_at public_key signature")},
	{name: "ledger_head", key: "id", cols: cols("id:i seq:i hash recorded_at chain_seq:i chain_hash chain_at")},
	{name: "users", key: "name", textKey: true, cols: cols("name role password_hash:s created_at disabled:i lang")},
	{name: "api_tokens", key: "token_hash", textKey: true, accounts: true, cols: cols("token_hash username label created_at id expires_at revoked_at revoked_by revoked_why last_used_at last_refused_at")},
	{name: "snapshots", key: "id", textKey: true, cols: cols("id title as_of options published_by published_at")},
	{name: "audit_log", key: "id", cols: cols("id:i at actor action subject detail")},
}

// NotArchived are the tables an archive leaves out, and why.
var NotArchived = map[string]string{
	"sessions":         "signed-in browsers: secrets of the moment, never archived",
	"idempotency":      "the stored answers to retried API writes: they matter to the server that gave them only",
	"verification":     "the record of this database's last check: a restore verifies and records its own (the source's is in the manifest)",
	"goose_db_version": "the schema's migrations: the restoring binary creates its own schema (the source's version is in the manifest)",
	"amount_packs":     "derived from the revisions: rebuilt from them when a report or verify needs them",
	"rate_packs":       "derived from the rates: rebuilt from them when a report needs them",
}

// Manifest describes an archive.
type Manifest struct {
	Format        string        `json:"format"`
	FormatVersion int           `json:"format_version"`
	Pledger       string        `json:"pledger_version"`
	Schema        int64         `json:"schema_version"`
	Engine        string        `json:"engine"`
	CreatedAt     string        `json:"created_at"`
	State         string        `json:"state"`     // the chain head, SEQ:HASH ("" for an empty ledger)
	Revisions     string        `json:"revisions"` // the last revision, SEQ:HASH
	WithAccounts  bool          `json:"with_accounts"`
	Verification  *Verification `json:"verification,omitempty"`
	Parts         []Part        `json:"parts"`
}

// Verification is the source's record of its last check, as archived.
type Verification struct {
	State     string `json:"state"`
	FullAt    string `json:"full_at"`
	CheckedAt string `json:"checked_at"`
	Failure   string `json:"failure"`
}

// Part is one table's file in an archive.
type Part struct {
	Name    string   `json:"name"`
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
	Bytes   int64    `json:"bytes"`
	SHA256  string   `json:"sha256"`
}

// Part finds the part of table, if the archive has one.
func (m *Manifest) Part(table string) (Part, bool) {
	for _, p := range m.Parts {
		if p.Table == table {
			return p, true
		}
	}
	return Part{}, false
}

// BackupOptions say what a backup holds.
type BackupOptions struct {
	// WithAccounts also archives the accounts' password hashes and the API
	// tokens' hashes; without it, accounts are archived without them (and
	// restored unable to sign in until given a password). Sessions never.
	WithAccounts bool
	// Version names the pledger that writes the archive.
	Version string
}

// Backup writes the whole ledger to w as an archive, read in one snapshot
// (a read transaction: REPEATABLE READ on PostgreSQL, a WAL read
// transaction on SQLite), so that writers go on meanwhile and the archive
// is the ledger at one moment.
func (s *Store) Backup(ctx context.Context, w io.Writer, opt BackupOptions) (*Manifest, error) {
	txo := &sql.TxOptions{ReadOnly: true} // on SQLite a deferred BEGIN: it takes no write lock
	if s.dialect == Postgres {
		txo.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTxx(ctx, txo)
	if err != nil {
		return nil, fmt.Errorf("store.Backup: %w", err)
	}
	defer tx.Rollback()
	// The snapshot starts with this first read (SQLite) or statement
	// (PostgreSQL): everything below is read as of this moment.
	var h headRow
	if err := tx.GetContext(ctx, &h, `SELECT seq, hash, recorded_at, chain_seq, chain_hash, chain_at FROM ledger_head WHERE id = 1`); err != nil {
		return nil, fmt.Errorf("store.Backup: ledger head: %w", err)
	}
	m := &Manifest{
		Format: ArchiveFormat, FormatVersion: ArchiveVersion, Pledger: opt.Version, Engine: string(s.dialect),
		CreatedAt: s.stamp(), WithAccounts: opt.WithAccounts,
	}
	if h.ChainSeq > 0 {
		m.State = ledger.FormatState(h.ChainSeq, h.ChainHash)
	}
	if h.Seq > 0 {
		m.Revisions = ledger.FormatState(h.Seq, h.Hash)
	}
	var schema sql.NullInt64
	if err := tx.GetContext(ctx, &schema, `SELECT max(version_id) FROM goose_db_version`); err != nil {
		return nil, fmt.Errorf("store.Backup: schema version: %w", err)
	}
	m.Schema = schema.Int64
	var vr verificationRow
	if err := tx.GetContext(ctx, &vr, `SELECT chain_seq, chain_hash, full_at, checked_at, failure FROM verification WHERE id = 1`); err != nil {
		return nil, fmt.Errorf("store.Backup: verification: %w", err)
	}
	if vr.ChainSeq > 0 || vr.Failure != "" {
		m.Verification = &Verification{FullAt: vr.FullAt, CheckedAt: vr.CheckedAt, Failure: vr.Failure}
		if vr.ChainSeq > 0 {
			m.Verification.State = ledger.FormatState(vr.ChainSeq, vr.ChainHash)
		}
	}
	modified, _ := time.Parse(ledger.TimeLayout, m.CreatedAt)
	zw := zip.NewWriter(w)
	rc := newReadCounter(ctx)
	for _, t := range archiveTables {
		if t.accounts && !opt.WithAccounts {
			continue
		}
		p, err := s.writePart(ctx, tx, zw, t, opt.WithAccounts, modified, rc)
		if err != nil {
			return nil, fmt.Errorf("store.Backup: %s: %w", t.name, err)
		}
		m.Parts = append(m.Parts, p)
	}
	rc.done()
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return nil, fmt.Errorf("store.Backup: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("store.Backup: %w", err)
	}
	if _, err := mw.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("store.Backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("store.Backup: %w", err)
	}
	return m, nil
}

// archived is the columns of t an archive holds.
func (t archiveTable) archived(withAccounts bool) []archiveCol {
	var out []archiveCol
	for _, c := range t.cols {
		if !c.secret || withAccounts {
			out = append(out, c)
		}
	}
	return out
}

// writePart writes table t, in key order, as one part of zw.
func (s *Store) writePart(ctx context.Context, q reader, zw *zip.Writer, t archiveTable, withAccounts bool, modified time.Time, rc *readCounter) (Part, error) {
	cs := t.archived(withAccounts)
	p := Part{Name: t.name + ".jsonl", Table: t.name}
	for _, c := range cs {
		p.Columns = append(p.Columns, c.name)
	}
	key := t.key
	if t.textKey {
		key = s.byteOrder(key)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(p.Columns, ", ")+` FROM `+t.name+` ORDER BY `+key)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	zf, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return p, err
	}
	sum := sha256.New()
	out := io.MultiWriter(zf, sum)
	vals := make([]any, len(cs))
	texts := make([]string, len(cs))
	ints := make([]int64, len(cs))
	nulls := make([]sql.NullInt64, len(cs))
	for i, c := range cs {
		switch c.kind {
		case textCol:
			vals[i] = &texts[i]
		case intCol:
			vals[i] = &ints[i]
		case nullIntCol:
			vals[i] = &nulls[i]
		}
	}
	var line []byte
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return p, err
		}
		line = append(line[:0], '{')
		for i, c := range cs {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, '"')
			line = append(line, c.name...)
			line = append(line, '"', ':')
			switch c.kind {
			case textCol:
				if !utf8.ValidString(texts[i]) {
					return p, fmt.Errorf("row %d: %s is not valid UTF-8 text, which an archive cannot hold exactly", p.Rows+1, c.name)
				}
				line = appendJSONString(line, texts[i])
			case intCol:
				line = strconv.AppendInt(line, ints[i], 10)
			case nullIntCol:
				if nulls[i].Valid {
					line = strconv.AppendInt(line, nulls[i].Int64, 10)
				} else {
					line = append(line, "null"...)
				}
			}
		}
		line = append(line, '}', '\n')
		if _, err := out.Write(line); err != nil {
			return p, err
		}
		p.Rows++
		p.Bytes += int64(len(line))
		rc.row()
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	p.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return p, nil
}

// appendJSONString appends s as a JSON string: only what JSON requires is
// escaped, so that the text reads as stored.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// RestoreResult says what a restore wrote.
type RestoreResult struct {
	Manifest Manifest
	Rows     map[string]int64 // by table
	Verified VerifyResult     // the verification of what was restored, before it was committed
}

// archiveError is the error for an archive that cannot be restored as it
// is: nothing was written.
func archiveError(name, code, format string, args ...any) error {
	return ledger.Fail(ledger.ErrInvalid, code, "", name, "%s: %s; nothing was restored", name, fmt.Sprintf(format, args...))
}

// ReadManifest opens an archive and reads its manifest, checking that it
// is an archive this binary reads. It checks no part.
func ReadManifest(r io.ReaderAt, size int64, name string) (*zip.Reader, *Manifest, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, archiveError(name, "archive_damaged", "not a pledger archive, or damaged or cut short (%v)", err)
	}
	var mf *zip.File
	for _, f := range zr.File {
		if f.Name == ManifestName {
			mf = f
		}
	}
	if mf == nil {
		return nil, nil, archiveError(name, "archive_damaged", "not a pledger archive: it has no %s", ManifestName)
	}
	rc, err := mf.Open()
	if err != nil {
		return nil, nil, archiveError(name, "archive_damaged", "its manifest cannot be read (%v)", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	if err != nil {
		return nil, nil, archiveError(name, "archive_damaged", "its manifest cannot be read (%v)", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, archiveError(name, "archive_damaged", "its manifest is not valid JSON (%v)", err)
	}
	switch {
	case m.Format != ArchiveFormat:
		return nil, nil, archiveError(name, "archive_damaged", "not a backup archive (its manifest's format is %q)", m.Format)
	case m.FormatVersion > ArchiveVersion:
		return nil, nil, archiveError(name, "archive_newer", "written by a newer pledger (%s, archive format %d; this one reads up to %d)", m.Pledger, m.FormatVersion, ArchiveVersion)
	case m.FormatVersion < 1:
		return nil, nil, archiveError(name, "archive_damaged", "its manifest's format version %d is not one pledger wrote", m.FormatVersion)
	}
	return zr, &m, nil
}

// Restore rebuilds the ledger of an archive in this store, which must be
// empty (as Open leaves a new database: the built-in parties and the asset
// catalog, which the archive's replace). It checks every part against the
// manifest first, then writes everything in one transaction, verifies it
// in full (the chain, every revision's columns and hashes, the
// checkpoints) and commits only if it verifies and ends at the archive's
// state: all or nothing. Tables come back row for row; accounts archived
// without their secrets come back unable to sign in.
func (s *Store) Restore(ctx context.Context, r io.ReaderAt, size int64, name string) (RestoreResult, error) {
	res := RestoreResult{Rows: map[string]int64{}}
	zr, m, err := ReadManifest(r, size, name)
	if err != nil {
		return res, err
	}
	res.Manifest = *m
	plan, err := restorePlan(zr, m, name)
	if err != nil {
		return res, err
	}
	// Every part whole and as the manifest says, before anything is
	// written.
	for _, p := range plan {
		if err := checkPart(p, name); err != nil {
			return res, err
		}
	}
	err = s.Write(ctx, func(tx *Tx) error {
		if err := tx.mustBeEmpty(ctx); err != nil {
			return err
		}
		// What Open wrote into the empty ledger makes way for the archive's,
		// and no derived pack outlives what it was made from.
		for _, t := range []string{"chain", "parties", "ledger_head", "amount_packs", "rate_packs"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("store.Restore: %w", err)
			}
		}
		rc := newReadCounter(ctx)
		for _, p := range plan {
			n, err := tx.restorePart(ctx, p, name, rc)
			if err != nil {
				return err
			}
			res.Rows[p.table.name] = n
		}
		rc.done()
		tx.forget()
		if s.dialect == Postgres {
			// rates.id numbers itself on PostgreSQL: the next rate follows
			// the restored ones.
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('rates', 'id'), COALESCE(max(id), 0) + 1, false) FROM rates`); err != nil {
				return fmt.Errorf("store.Restore: rate ids: %w", err)
			}
		}
		var h headRow
		if err := tx.GetContext(ctx, &h, `SELECT seq, hash, recorded_at, chain_seq, chain_hash, chain_at FROM ledger_head WHERE id = 1`); err != nil {
			return archiveError(name, "archive_damaged", "it holds no ledger head (%v)", err)
		}
		state := ""
		if h.ChainSeq > 0 {
			state = ledger.FormatState(h.ChainSeq, h.ChainHash)
		}
		if state != m.State {
			return archiveError(name, "archive_damaged", "its ledger ends at state %q but its manifest says %q", state, m.State)
		}
		v := &verifier{s: s, db: tx, ctx: ctx, res: &res.Verified}
		verr := v.check(0, "", h, true)
		if verr == nil {
			verr = v.checkpoints(nil)
		}
		if verr != nil {
			return fmt.Errorf("%s: the ledger in the archive does not verify, so nothing was restored: %w", name, verr)
		}
		res.Verified.State = state
		now := s.stamp()
		_, err := tx.exec(ctx, `UPDATE verification SET chain_seq = ?, chain_hash = ?, full_at = ?, checked_at = ?, failure = '' WHERE id = 1`,
			h.ChainSeq, h.ChainHash, now, now)
		return err
	})
	if err != nil {
		return res, err
	}
	return res, nil
}

// plannedPart is a part to restore: its file and how its columns map to
// the table's.
type plannedPart struct {
	Part
	file  *zip.File
	table archiveTable
	cols  []archiveCol // the part's columns, as the table has them
}

// restorePlan matches the manifest's parts with the archive's files and
// the tables this binary knows, in restore order.
func restorePlan(zr *zip.Reader, m *Manifest, name string) ([]plannedPart, error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	byTable := map[string]Part{}
	for _, p := range m.Parts {
		if _, dup := byTable[p.Table]; dup {
			return nil, archiveError(name, "archive_damaged", "its manifest lists the table %s twice", p.Table)
		}
		known := false
		for _, t := range archiveTables {
			known = known || t.name == p.Table
		}
		if !known {
			return nil, archiveError(name, "archive_newer", "it holds a table this version does not know (%s): it was written by a newer version (%s)", p.Table, m.Pledger)
		}
		byTable[p.Table] = p
	}
	var plan []plannedPart
	for _, t := range archiveTables {
		p, ok := byTable[t.name]
		if !ok {
			if t.accounts && !m.WithAccounts {
				continue
			}
			return nil, archiveError(name, "archive_damaged", "its manifest lists no part for the table %s", t.name)
		}
		f := files[p.Name]
		if f == nil {
			return nil, archiveError(name, "archive_damaged", "the part %s that its manifest lists is missing", p.Name)
		}
		pp := plannedPart{Part: p, file: f, table: t}
		seen := map[string]bool{}
		for _, c := range p.Columns {
			i := indexCol(t.cols, c)
			if i < 0 {
				return nil, archiveError(name, "archive_newer", "the table %s has a column this version does not know (%s): it was written by a newer version (%s)", t.name, c, m.Pledger)
			}
			if seen[c] {
				return nil, archiveError(name, "archive_damaged", "the part %s lists the column %s twice", p.Name, c)
			}
			seen[c] = true
			pp.cols = append(pp.cols, t.cols[i])
		}
		if !seen[t.key] {
			return nil, archiveError(name, "archive_damaged", "the part %s lacks its key column %s", p.Name, t.key)
		}
		plan = append(plan, pp)
	}
	return plan, nil
}

func indexCol(cs []archiveCol, name string) int {
	for i, c := range cs {
		if c.name == name {
			return i
		}
	}
	return -1
}

// checkPart reads a part whole and compares it with the manifest: its
// size, its lines and its SHA-256 (the zip's own CRC is checked too).
func checkPart(p plannedPart, name string) error {
	rc, err := p.file.Open()
	if err != nil {
		return archiveError(name, "archive_damaged", "the part %s cannot be read (%v)", p.Name, err)
	}
	defer rc.Close()
	cw := &lineCounter{h: sha256.New()}
	if _, err := io.Copy(cw, rc); err != nil {
		return archiveError(name, "archive_damaged", "the part %s cannot be read (%v)", p.Name, err)
	}
	if got := hex.EncodeToString(cw.h.Sum(nil)); got != p.SHA256 || cw.bytes != p.Bytes || cw.lines != p.Rows {
		return archiveError(name, "archive_damaged", "the part %s is not what its manifest says (%d rows, %d bytes, SHA-256 %s; the manifest: %d rows, %d bytes, %s)",
			p.Name, cw.lines, cw.bytes, got, p.Rows, p.Bytes, p.SHA256)
	}
	return nil
}

type lineCounter struct {
	h            hash.Hash
	bytes, lines int64
}

func (c *lineCounter) Write(b []byte) (int, error) {
	c.bytes += int64(len(b))
	c.lines += int64(bytes.Count(b, []byte{'\n'}))
	return c.h.Write(b)
}

// mustBeEmpty refuses a ledger that holds anything Open did not write
// itself (the built-in parties, the asset catalog in force).
func (tx *Tx) mustBeEmpty(ctx context.Context) error {
	var found []string
	for _, c := range []struct{ what, q string }{
		{"revisions", `SELECT count(*) FROM revisions`},
		{"rates", `SELECT count(*) FROM rates`},
		{"added sectors", `SELECT count(*) FROM sectors`},
		{"checkpoints", `SELECT count(*) FROM checkpoints`},
		{"users", `SELECT count(*) FROM users`},
		{"API tokens", `SELECT count(*) FROM api_tokens`},
		{"sessions", `SELECT count(*) FROM sessions`},
		{"published dashboards", `SELECT count(*) FROM snapshots`},
		{"audit log lines", `SELECT count(*) FROM audit_log`},
		{"stored API answers", `SELECT count(*) FROM idempotency`},
		{"states of the chain other than the built-in parties and the asset catalog",
			`SELECT count(*) FROM chain WHERE what NOT IN ('` + ledger.LinkParties + `', '` + ledger.LinkAssets + `')`},
	} {
		var n int64
		if err := tx.GetContext(ctx, &n, c.q); err != nil {
			return fmt.Errorf("store.Restore: %w", err)
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%s: %d", c.what, n))
		}
	}
	var parties int
	if err := tx.GetContext(ctx, &parties, `SELECT count(*) FROM parties`); err != nil {
		return fmt.Errorf("store.Restore: %w", err)
	}
	if extra := parties - len(ledger.BuiltinParties()); extra > 0 {
		found = append(found, fmt.Sprintf("parties beside the built-in ones: %d", extra))
	}
	if len(found) > 0 {
		return ledger.Fail(ledger.ErrConflict, "restore_not_empty", "", strings.Join(found, ", "),
			"the ledger is not empty (%s): a restore writes only into an empty ledger, so that nothing in it is mixed with or lost under the archive's", strings.Join(found, ", "))
	}
	return nil
}

// restorePart inserts a part's rows, in its table's column order; a column
// the archive lacks (one added after it was written, or a secret left out)
// takes its default.
func (tx *Tx) restorePart(ctx context.Context, p plannedPart, name string, rc *readCounter) (int64, error) {
	t := p.table
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	bulk, err := tx.newBulk(ctx, t.name, names)
	if err != nil {
		return 0, err
	}
	f, err := p.file.Open()
	if err != nil {
		return 0, archiveError(name, "archive_damaged", "the part %s cannot be read (%v)", p.Name, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	dec := newRowDecoder(t, p.cols)
	var n int64
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil {
			return n, archiveError(name, "archive_damaged", "%s line %d cannot be read (%v)", p.Name, n+1, err)
		}
		n++
		vals, err := dec.decode(line)
		if err != nil {
			return n, archiveError(name, "archive_damaged", "%s line %d: %v", p.Name, n, err)
		}
		if err := bulk.add(vals...); err != nil {
			return n, fmt.Errorf("store.Restore: %s line %d: %w", p.Name, n, err)
		}
		rc.row()
	}
	if err := bulk.close(); err != nil {
		return n, fmt.Errorf("store.Restore: %s: %w", t.name, err)
	}
	return n, nil
}

// rowDecoder reads the rows of one part: each a JSON object of exactly
// the part's columns (in any order), read into the values of every column
// of the table. It reads only what an archive holds (a flat object of
// strings, integers and nulls), fast, and refuses anything else.
type rowDecoder struct {
	t     archiveTable
	index map[string]int // column name -> index in t.cols
	has   []bool         // by index in t.cols: the part has the column
	seen  []bool
	vals  []any
}

func newRowDecoder(t archiveTable, have []archiveCol) *rowDecoder {
	d := &rowDecoder{t: t, index: map[string]int{}, has: make([]bool, len(t.cols)), seen: make([]bool, len(t.cols)), vals: make([]any, len(t.cols))}
	for i, c := range t.cols {
		d.index[c.name] = i
	}
	for _, c := range have {
		d.has[d.index[c.name]] = true
	}
	return d
}

// decode reads one line; the values it returns are valid until the next
// call.
func (d *rowDecoder) decode(line []byte) ([]any, error) {
	clear(d.seen)
	p := jsonScanner{b: line}
	if !p.byte('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	for first := true; ; first = false {
		if p.byte('}') {
			break
		}
		if !first && !p.byte(',') {
			return nil, fmt.Errorf("not a JSON object (at byte %d)", p.i)
		}
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return nil, fmt.Errorf("not a JSON object (at byte %d)", p.i)
		}
		i, known := d.index[key]
		if !known || !d.has[i] {
			return nil, fmt.Errorf("the column %q is not in the manifest's list", key)
		}
		if d.seen[i] {
			return nil, fmt.Errorf("the column %s is there twice", key)
		}
		d.seen[i] = true
		c := d.t.cols[i]
		p.space()
		at := p.i
		switch {
		case p.peek() == '"':
			v, ok := p.str()
			if !ok || c.kind != textCol {
				return nil, fmt.Errorf("%s: %s is not %s", c.name, p.value(at), want(c.kind))
			}
			d.vals[i] = v
		case p.lit("null"):
			if c.kind != nullIntCol {
				return nil, fmt.Errorf("%s: null where %s is required", c.name, want(c.kind))
			}
			d.vals[i] = nil
		default:
			v, ok := p.integer()
			if !ok || c.kind == textCol {
				return nil, fmt.Errorf("%s: %s is not %s", c.name, p.value(at), want(c.kind))
			}
			d.vals[i] = v
		}
	}
	p.space()
	if p.i != len(p.b) {
		return nil, fmt.Errorf("not a JSON object: %s follows it", p.value(p.i))
	}
	for i, c := range d.t.cols {
		switch {
		case d.seen[i]:
		case d.has[i]:
			return nil, fmt.Errorf("the column %s is missing", c.name)
		default:
			// Not archived (a column added after the archive was written,
			// or a secret left out): its default.
			switch c.kind {
			case textCol:
				d.vals[i] = ""
			case intCol:
				d.vals[i] = int64(0)
			case nullIntCol:
				d.vals[i] = nil
			}
		}
	}
	return d.vals, nil
}

func want(k colKind) string {
	if k == textCol {
		return "text"
	}
	return "an integer"
}

// jsonScanner reads the JSON of one archived row.
type jsonScanner struct {
	b []byte
	i int
}

func (p *jsonScanner) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *jsonScanner) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// byte consumes c (after white space) if it is next.
func (p *jsonScanner) byte(c byte) bool {
	p.space()
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonScanner) lit(s string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.i += len(s)
		return true
	}
	return false
}

// str reads a JSON string: as it is when it has no escape, else through
// encoding/json.
func (p *jsonScanner) str() (string, bool) {
	p.space()
	if p.peek() != '"' {
		return "", false
	}
	start, escaped := p.i, false
	for p.i++; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '\\':
			escaped = true
			p.i++
		case c == '"':
			p.i++
			raw := p.b[start:p.i]
			if !escaped {
				if !utf8.Valid(raw) {
					return "", false
				}
				return string(raw[1 : len(raw)-1]), true
			}
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return "", false
			}
			return s, true
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

// integer reads a JSON number that is an integer within int64.
func (p *jsonScanner) integer() (int64, bool) {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if c := p.peek(); c == '.' || c == 'e' || c == 'E' {
		return 0, false
	}
	v, err := strconv.ParseInt(string(p.b[start:p.i]), 10, 64)
	return v, err == nil
}

// value is the value at byte at, as written, for an error.
func (p *jsonScanner) value(at int) string {
	end := at
	for inString := false; end < len(p.b); end++ {
		c := p.b[end]
		if c == '"' && (end == at || p.b[end-1] != '\\') {
			inString = !inString
		}
		if !inString && (c == ',' || c == '}' || c == '\n') {
			break
		}
	}
	return clip(p.b[at:end])
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
