package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/jmoiron/sqlx"
)

// The sector vocabulary is the one pledger ships (ledger.BuiltinSectors)
// plus the sectors a ledger adds, kept in the table sectors and recorded
// in the chain as parties are: each added sector's row carries the seq of
// the link that added it, whose digest covers its columns.

// sectorRow is a stored sector.
type sectorRow struct {
	Code      string `db:"code"`
	NameEN    string `db:"name_en"`
	NameNL    string `db:"name_nl"`
	NameFR    string `db:"name_fr"`
	Spellings string `db:"spellings"`
}

func (r sectorRow) sector() ledger.Sector {
	s := ledger.Sector{Code: r.Code, Name: map[string]string{"en": r.NameEN, "nl": r.NameNL, "fr": r.NameFR}, Added: true}
	if r.Spellings != "" {
		s.Spellings = strings.Split(r.Spellings, ";")
	}
	return s
}

// AddedSectors lists the sectors the ledger added, in the order they were
// added.
func (s *Store) AddedSectors(ctx context.Context) ([]ledger.Sector, error) {
	return addedSectors(ctx, s.db)
}

func addedSectors(ctx context.Context, q sqlx.QueryerContext) ([]ledger.Sector, error) {
	var rows []sectorRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT code, name_en, name_nl, name_fr, spellings FROM sectors ORDER BY chain_seq, code`); err != nil {
		return nil, fmt.Errorf("store.AddedSectors: %w", err)
	}
	out := make([]ledger.Sector, len(rows))
	for i, r := range rows {
		out[i] = r.sector()
	}
	return out, nil
}

// SectorVocab is the vocabulary entries are checked against: the built-in
// sectors and those the ledger added.
func (s *Store) SectorVocab(ctx context.Context) (*ledger.Sectors, error) {
	return sectorVocab(ctx, s.db)
}

// SectorVocab is Store.SectorVocab inside the transaction.
func (tx *Tx) SectorVocab(ctx context.Context) (*ledger.Sectors, error) {
	if tx.sectors != nil {
		return tx.sectors, nil
	}
	v, err := sectorVocab(ctx, tx)
	if err == nil {
		tx.sectors = v
	}
	return v, err
}

func sectorVocab(ctx context.Context, q sqlx.QueryerContext) (*ledger.Sectors, error) {
	added, err := addedSectors(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(added) == 0 {
		return ledger.BuiltinSectors(), nil
	}
	v, err := ledger.BuiltinSectors().With(added)
	if err != nil {
		// A sector stored with a spelling a later binary ships for another
		// one: the ledger's sector cannot be read the same way any more.
		return nil, fmt.Errorf("store.SectorVocab: the ledger's own sectors and the vocabulary this binary ships overlap: %w", err)
	}
	return v, nil
}

// AddSector records a new sector of the vocabulary, by author, as a link
// of the chain. A code or a spelling the vocabulary already has is a
// conflict.
func (s *Store) AddSector(ctx context.Context, sec ledger.Sector, author string) error {
	err := s.Write(ctx, func(tx *Tx) error {
		h, err := tx.lockHead(ctx)
		if err != nil {
			return err
		}
		v, err := tx.SectorVocab(ctx)
		if err != nil {
			return err
		}
		if v.Has(sec.Code) {
			return ledger.Fail(ledger.ErrConflict, "sector_exists", "code", sec.Code, "the sector %s is already in the vocabulary", sec.Code)
		}
		if _, err := v.With([]ledger.Sector{sec}); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO sectors (code, name_en, name_nl, name_fr, spellings, chain_seq) VALUES (?, ?, ?, ?, ?, ?)`,
			sec.Code, sec.Name["en"], sec.Name["nl"], sec.Name["fr"], strings.Join(sec.Spellings, ";"), h.ChainSeq+1); err != nil {
			return err
		}
		tx.sectors = nil
		return tx.linkSectors(ctx, &h, author)
	})
	if err != nil {
		return fmt.Errorf("store.AddSector(%q): %w", sec.Code, err)
	}
	return nil
}

// sectorDigestOf is the digest of the sectors a link (seq) recorded, as
// stored, in the bytewise order of their codes, the digest in the
// database's own order (legacy: see partyDigestOf), and their codes.
func sectorDigestOf(ctx context.Context, q queryer, seq int64) (digest, legacy string, codes []string, err error) {
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT code, name_en, name_nl, name_fr, spellings FROM sectors WHERE chain_seq = ? ORDER BY code`), seq)
	if err != nil {
		return "", "", nil, err
	}
	defer rows.Close()
	var rs []sectorRow
	for rows.Next() {
		var r sectorRow
		if err := rows.Scan(&r.Code, &r.NameEN, &r.NameNL, &r.NameFR, &r.Spellings); err != nil {
			return "", "", nil, err
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return "", "", nil, err
	}
	sum := func(rs []sectorRow) string {
		d := ledger.NewDigester(ledger.LinkSectors)
		for _, r := range rs {
			d.Add(ledger.SectorItem(r.sector())...)
		}
		return d.Sum()
	}
	legacy = sum(rs)
	slices.SortFunc(rs, func(a, b sectorRow) int { return strings.Compare(a.Code, b.Code) })
	for _, r := range rs {
		codes = append(codes, r.Code)
	}
	return sum(rs), legacy, codes, nil
}

// linkSectors appends a link for the sectors the transaction inserted with
// chain_seq h.ChainSeq+1.
func (tx *Tx) linkSectors(ctx context.Context, h *headRow, author string) error {
	digest, _, codes, err := sectorDigestOf(ctx, tx, h.ChainSeq+1)
	if err != nil || len(codes) == 0 {
		return err
	}
	return tx.appendLink(ctx, h, &ledger.Link{What: ledger.LinkSectors, Last: int64(len(codes)), Digest: digest,
		Author: author, RecordedAt: tx.writeTime(*h)})
}

// SectorUse is a sector that current entries name, with how many.
type SectorUse struct {
	Sector  string
	Entries int
	Refs    []string // the first few, by ref
}

// SectorsOutside lists the sectors that current entries name and that are
// not codes of v: sectors recorded before the vocabulary, which stay as
// they were recorded. Sorted by sector.
func (s *Store) SectorsOutside(ctx context.Context, v *ledger.Sectors) ([]SectorUse, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.ref, r.sector FROM revisions r WHERE `+latestCond+
		` AND r.action <> 'void' AND r.sector <> '' ORDER BY `+s.byteOrder("r.ref"))
	if err != nil {
		return nil, fmt.Errorf("store.SectorsOutside: %w", err)
	}
	defer rows.Close()
	found := map[string]*SectorUse{}
	for rows.Next() {
		var ref, field string
		if err := rows.Scan(&ref, &field); err != nil {
			return nil, fmt.Errorf("store.SectorsOutside: %w", err)
		}
		for _, sec := range ledger.ListValues(field) {
			if v.Has(sec) {
				continue
			}
			u := found[sec]
			if u == nil {
				u = &SectorUse{Sector: sec}
				found[sec] = u
			}
			u.Entries++
			if len(u.Refs) < 3 {
				u.Refs = append(u.Refs, ref)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.SectorsOutside: %w", err)
	}
	out := make([]SectorUse, 0, len(found))
	for _, u := range found {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b SectorUse) int { return strings.Compare(a.Sector, b.Sector) })
	return out, nil
}
