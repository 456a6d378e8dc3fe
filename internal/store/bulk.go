package store

import (
	"context"
	"database/sql"
	"strings"
)

// copyIn feeds rows to a prepared COPY FROM STDIN statement (lib/pq).
type copyIn struct {
	stmt *sql.Stmt
	n    int
}

func (c *copyIn) add(vals ...any) error {
	c.n++
	_, err := c.stmt.Exec(vals...)
	return err
}

func (c *copyIn) close() error {
	if c.stmt == nil {
		return nil
	}
	defer func() { c.stmt = nil }()
	if _, err := c.stmt.Exec(); err != nil {
		c.stmt.Close()
		return err
	}
	return c.stmt.Close()
}

// sqliteBulk batches rows into multi-row INSERTs of up to batchRows rows,
// each through a statement prepared once.
type sqliteBulk struct {
	tx    *Tx
	ctx   context.Context
	table string
	cols  []string
	buf   []any
	full  *sql.Stmt
}

// SQLite allows 32766 parameters per statement; stay well under it.
const maxParams = 8000

func (b *sqliteBulk) batchRows() int { return maxParams / len(b.cols) }

func (b *sqliteBulk) stmtFor(rows int) string {
	one := "(?" + strings.Repeat(", ?", len(b.cols)-1) + ")"
	return `INSERT INTO ` + b.table + ` (` + strings.Join(b.cols, ", ") + `) VALUES ` + one + strings.Repeat(", "+one, rows-1)
}

func (b *sqliteBulk) add(vals ...any) error {
	b.buf = append(b.buf, vals...)
	if len(b.buf) < b.batchRows()*len(b.cols) {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(b.ctx, b.stmtFor(b.batchRows()))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(b.ctx, b.buf...)
	b.buf = b.buf[:0]
	return err
}

func (b *sqliteBulk) close() error {
	defer func() {
		if b.full != nil {
			b.full.Close()
			b.full = nil
		}
	}()
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(b.ctx, b.stmtFor(len(b.buf)/len(b.cols)), b.buf...)
	b.buf = b.buf[:0]
	return err
}
