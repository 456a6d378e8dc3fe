package store

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
