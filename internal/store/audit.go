package store

import (
	"context"
	"fmt"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// The audit log: changes to users, sessions and tokens, which are not
// figures and so not in the chain, are written here in the transaction
// that makes them, with who made them (WithActor).

type actorKey struct{}

// WithActor names who acts in ctx, for the audit log: the signed-in user
// of a request, the OS user of a command.
func WithActor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

func actorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok {
		return a
	}
	return ""
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At      string `db:"at" json:"at"`
	Actor   string `db:"actor" json:"actor"`
	Action  string `db:"action" json:"action"`
	Subject string `db:"subject" json:"subject"`
	Detail  string `db:"detail" json:"detail"`
}

// auditTx writes one line of the audit log inside tx.
func (tx *Tx) audit(ctx context.Context, action, subject, detail string) error {
	var id int64
	if err := tx.GetContext(ctx, &id, `SELECT COALESCE(max(id), 0) + 1 FROM audit_log`); err != nil {
		return fmt.Errorf("store: audit log: %w", err)
	}
	_, err := tx.exec(ctx, `INSERT INTO audit_log (id, at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		id, tx.s.now().UTC().Truncate(time.Microsecond).Format(ledger.TimeLayout), actorOf(ctx), action, subject, detail)
	if err != nil {
		return fmt.Errorf("store: audit log: %w", err)
	}
	return nil
}

// AuditLog lists the last n lines of the audit log, oldest first.
func (s *Store) AuditLog(ctx context.Context, n int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT at, actor, action, subject, detail FROM
		(SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?) a ORDER BY id`), n)
	if err != nil {
		return nil, fmt.Errorf("store.AuditLog: %w", err)
	}
	return out, nil
}
