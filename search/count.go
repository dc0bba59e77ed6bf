package search

// DocCount returns how many documents the live index holds (all
// visibilities: it is for operators, never shown per viewer).
func (ix *Index) DocCount() (int, error) {
	n, err := ix.alias.DocCount()
	return int(n), err
}
