package store

// SetPackBlock makes packs cover n seqs until restore is called: tests
// build many packs on small ledgers.
func SetPackBlock(n int64) (restore func()) {
	old := packBlock
	packBlock = n
	return func() { packBlock = old }
}

// ArchivedColumns lists, for tests, every column each archived table
// holds (with the accounts' secrets), in the table's order.
func ArchivedColumns() map[string][]string {
	out := map[string][]string{}
	for _, t := range archiveTables {
		for _, c := range t.cols {
			out[t.name] = append(out[t.name], c.name)
		}
	}
	return out
}

// QueuedWrites is how many writes wait for the group being recorded.
func (s *Store) QueuedWrites() int {
	s.groups.mu.Lock()
	defer s.groups.mu.Unlock()
	return len(s.groups.queue)
}
