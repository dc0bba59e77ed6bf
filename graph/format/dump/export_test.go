package dump

// SetPartRecords makes a streamed restore hand the store parts of n
// records, for tests that need many parts from a small file; it returns
// what puts the size back.
func SetPartRecords(n int) (restore func()) {
	old := partRecords
	partRecords = n
	return func() { partRecords = old }
}
