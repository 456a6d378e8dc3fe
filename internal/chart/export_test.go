package chart

// Words exposes the charts' texts to the tests.
func Words() map[string]map[string]string { return words }
