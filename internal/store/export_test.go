package store

// SetPackBlock makes packs cover n seqs until restore is called: tests
// build many packs on small ledgers.
func SetPackBlock(n int64) (restore func()) {
	old := packBlock
	packBlock = n
	return func() { packBlock = old }
}
