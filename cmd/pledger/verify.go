package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

// Environment variables for the signing key and the trusted public keys.
const (
	envSigningKey = "PLEDGER_SIGNING_KEY"
	envPublicKey  = "PLEDGER_PUBLIC_KEY"
)

func (a *app) verifyCmd() *cobra.Command {
	var head, keyFile string
	var publicKeys []string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the chain of every fact, check the checkpoints, and name what was tampered with",
		Long: `Every fact a report's figures depend on is a link of one hash chain: entry
revisions (every stored column), exchange rates, parties, the sectors added to the
vocabulary and the asset catalog in force. verify recomputes the whole chain from
what is stored and checks every signed checkpoint (see pledger checkpoint); if
anyone changed, removed or inserted a row behind pledger's back, or rewrote or cut
off the chain after a checkpoint, it names what and where and exits with status 5.
The result is recorded: until a later verify passes, reports on a ledger that
failed refuse to run.

Entries recorded before the sector vocabulary may name other sectors: they
verify, reports show them as written, and verify lists them in a note, with how
to bring them into the vocabulary. Likewise, text recorded before the text rules
that breaks them (a control character, a line break outside a note, a value too
long, a ref outside the ref grammar) verifies and is listed in a note, shown
escaped.

--head SEQ:HASH (as a report's footer prints the ledger state) also confirms that
the ledger still holds exactly that state; no key is needed. --public-key (or
PLEDGER_PUBLIC_KEY, or the signing key's file with --key) names the keys
checkpoints must be signed with; without one, any key's signature is accepted and
the keys are listed.`,
		Example: `  pledger verify
  pledger verify --head 12:4f9c…   # the state a report's footer names
  pledger verify --public-key 3b6a27bc…`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var opt store.VerifyOptions
			if env := os.Getenv(envPublicKey); env != "" {
				publicKeys = append(publicKeys, strings.Split(env, ",")...)
			}
			for _, k := range publicKeys {
				pub, err := ledger.ParsePublicKey(k)
				if err != nil {
					return err
				}
				opt.TrustedKeys = append(opt.TrustedKeys, pub)
			}
			if keyFile != "" {
				priv, err := ledger.LoadSigningKey(keyFile)
				if err != nil {
					return err
				}
				opt.TrustedKeys = append(opt.TrustedKeys, priv.Public().(ed25519.PublicKey))
			}
			var seq int64
			var hash string
			if head != "" {
				var err error
				if seq, hash, err = ledger.ParseState(head); err != nil {
					return err
				}
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := s.Verify(ctx, opt)
			if err != nil {
				return err
			}
			if head != "" {
				if err := s.ContainsState(ctx, seq, hash); err != nil {
					return err
				}
			}
			sectors := ""
			if res.Sectors > 0 {
				sectors = fmt.Sprintf(", %d added sectors", res.Sectors)
			}
			fmt.Fprintf(a.out, "ok: %d revisions, %d rates, %d parties%s in %d states; %d checkpoints", res.Revisions, res.Rates, res.Parties, sectors, res.Links, res.Checkpoints)
			switch {
			case res.Checkpoints > 0 && len(opt.TrustedKeys) > 0:
				fmt.Fprintf(a.out, ", signed with a trusted key")
			case res.Checkpoints > 0:
				fmt.Fprintf(a.out, " (keys %s: not pinned; give --public-key to require one)", strings.Join(res.Keys, ", "))
			}
			fmt.Fprintf(a.out, "\nstate %s\n", res.State)
			if head != "" {
				fmt.Fprintf(a.out, "the ledger holds state %s\n", ledger.FormatState(seq, hash))
			}
			if err := a.sectorsOutside(ctx, s); err != nil {
				return err
			}
			return a.textBreaks(ctx, s)
		},
	}
	cmd.Flags().StringVar(&head, "head", "", "also confirm the ledger holds this state (SEQ:HASH, as a report's footer prints it)")
	cmd.Flags().StringSliceVar(&publicKeys, "public-key", nil, "checkpoints must be signed with this key (64 hex digits or a key file; env "+envPublicKey+")")
	cmd.Flags().StringVar(&keyFile, "key", "", "trust the public key of this signing key file")
	return cmd
}

func (a *app) checkpointCmd() *cobra.Command {
	var keyFile string
	var newKey bool
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign the ledger's current state with an Ed25519 key kept outside the database",
		Long: `A checkpoint is the ledger's current state (SEQ:HASH) and the moment, signed with
an Ed25519 key from a file outside the database (--key, or PLEDGER_SIGNING_KEY). It
is stored in the ledger and printed as one line: keep that line elsewhere too (a
mail, a minute, a notary). verify checks that the chain still passes through every
checkpoint, so rewriting the ledger, recomputing its chain or cutting off its end
after a checkpoint is caught. A ledger that fails verification is not signed.

--new-key creates the key file first (readable by its owner only; an existing file
is never overwritten) and prints its public key, to give to whoever verifies.`,
		Example: `  pledger checkpoint --key /etc/pledger/signing.pem --new-key
  pledger checkpoint --key /etc/pledger/signing.pem`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if keyFile == "" {
				keyFile = os.Getenv(envSigningKey)
			}
			if keyFile == "" {
				return usage("checkpoint needs a signing key: --key FILE or %s (create one with --new-key)", envSigningKey)
			}
			if newKey {
				pub, err := ledger.NewSigningKey(keyFile)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "new signing key %s; its public key: %x\n", keyFile, []byte(pub))
			}
			key, err := ledger.LoadSigningKey(keyFile)
			if err != nil {
				return err
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			c, err := s.Checkpoint(ctx, key)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "checkpoint %s\n", c.Line())
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the Ed25519 signing key file (PEM; env "+envSigningKey+")")
	cmd.Flags().BoolVar(&newKey, "new-key", false, "create the key file first")
	return cmd
}

func (a *app) auditCmd() *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Show the audit log: changes to users, sessions and tokens",
		Long: `Users, sessions and API tokens are not figures, so they are not in the chain of
facts that verify checks; every change to them (a user added or changed, a password
changed, a sign-in or sign-out, a token created or revoked, an expired or revoked
token refused) is written to the audit log, with who made it and when.`,
		Example: "  pledger audit\n  pledger audit --last 500",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			log, err := s.AuditLog(cmd.Context(), n)
			if err != nil {
				return err
			}
			for _, e := range log {
				fmt.Fprintf(a.out, "%s\t%s\t%s\t%s\t%s\n", e.At, oneLine(e.Actor), oneLine(e.Action), oneLine(e.Subject), oneLine(e.Detail))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "last", 100, "how many of the latest lines")
	return cmd
}

// sectorsOutside notes, after a verification, the sectors that current
// entries name outside the vocabulary: recorded before it, they verify and
// reports show them as written, but a correction of their sector must use
// the vocabulary.
func (a *app) sectorsOutside(ctx context.Context, s *store.Store) error {
	v, err := s.SectorVocab(ctx)
	if err != nil {
		return err
	}
	out, err := s.SectorsOutside(ctx, v)
	if err != nil || len(out) == 0 {
		return err
	}
	fmt.Fprintf(a.out, "note: %d sectors that entries name are outside the sector vocabulary (recorded before it; reports show them as written):\n", len(out))
	for _, u := range out {
		refs := oneLine(strings.Join(u.Refs, ", "))
		if u.Entries > len(u.Refs) {
			refs += ", …"
		}
		fmt.Fprintf(a.out, "  %q: %d entries (%s)\n", oneLine(u.Sector), u.Entries, refs)
	}
	fmt.Fprintln(a.out, "  amend them to sectors of `pledger sector list` (--sector), or add the sector with `pledger sector add`")
	return nil
}

// maxTextBreaks is how many breaks of the text rules verify lists.
const maxTextBreaks = 20

// textBreaks notes, after a verification, the stored text that breaks the
// text rules: recorded before them, it verifies (the hashes cover it), but
// a correction of an entry holding a refused character must correct it,
// and it cannot be moved to PostgreSQL when it holds a NUL.
func (a *app) textBreaks(ctx context.Context, s *store.Store) error {
	out, n, err := s.TextBreaks(ctx, maxTextBreaks)
	if err != nil || n == 0 {
		return err
	}
	fmt.Fprintf(a.out, "note: %d stored values break the text rules (recorded before them; they verify, and are shown escaped):\n", n)
	for _, b := range out {
		where := oneLine(b.What)
		switch {
		case b.Revs > 1:
			where += fmt.Sprintf(" (revision %d and %d later)", b.Rev, b.Revs-1)
		case b.Rev > 0:
			where += fmt.Sprintf(" (revision %d)", b.Rev)
		}
		fmt.Fprintf(a.out, "  %s: %s: %s\n", where, b.Field, oneLine(b.Problem))
	}
	if n > len(out) {
		fmt.Fprintf(a.out, "  ... and %d more\n", n-len(out))
	}
	fmt.Fprintln(a.out, "  correct an entry's text with `pledger amend REF --FIELD ...`; a ref cannot change: void the entry and add it again under a ref of the grammar")
	return nil
}
