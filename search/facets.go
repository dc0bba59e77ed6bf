package search

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Facet counts come from Bleve's doc values, which Bleve's mapping keeps
// compressed in chunks of 1 024 documents: counting one matching document
// costs the decompression of its chunk, for each faceted field. Measured
// on 100 000 generated notes, the standpoint field alone
// ("racialisation:racialised", a few per document) cost 16 ms for a query
// matching 200 documents.
//
// So every facet value of a document is written, as a short code, into one
// doc-values field, fieldFacets, kept unchunked and uncompressed (see
// writer.put); the codes are handed out by a dictionary that the index
// keeps in memory and persists in a file of each index part (codesFile)
// before the batch of the first document that uses a code. The filter
// fields (kind, carnet, standpoint …) keep the values themselves, without
// doc values.

const (
	fieldFacets = "fc"
	codeSep     = "\x00" // between facet name and value
)

// facetDict hands out codes for (facet, value) pairs. Codes are never
// reused or changed, so one dictionary serves the live index and one being
// rebuilt alike, and searches may decode with it while either answers.
type facetDict struct {
	mu      sync.RWMutex
	byValue map[string]string // facet + codeSep + value → code
	values  []string          // code number → facet + codeSep + value
}

func newFacetDict() *facetDict {
	return &facetDict{byValue: map[string]string{}}
}

func codeOf(n int) string { return strconv.FormatUint(uint64(n), 36) }

// code returns the code of value in facet, handing out a new one if needed.
func (d *facetDict) code(facet, value string) string {
	key := facet + codeSep + value
	d.mu.RLock()
	c, ok := d.byValue[key]
	d.mu.RUnlock()
	if ok {
		return c
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.byValue[key]; ok {
		return c
	}
	c = codeOf(len(d.values))
	d.byValue[key] = c
	d.values = append(d.values, key)
	return c
}

// decode returns the facet and value the code numbered n stands for.
func (d *facetDict) decode(n int) (facet, value string, ok bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if n >= len(d.values) {
		return "", "", false
	}
	facet, value, ok = strings.Cut(d.values[n], codeSep)
	return facet, value, ok
}

func (d *facetDict) size() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.values)
}

// codesFile is the file, in each part's directory, that holds the facet
// dictionary: one record per code, in code order, appended and synced
// before the batch that first uses the codes is handed to Bleve. Keeping
// it out of Bleve's internal keys matters: scorch rewrites every internal
// key with each snapshot it persists, and a commons has thousands of facet
// values, so a one-document write cost a dictionary rewrite.
//
// A record is a uvarint length, the facet name, codeSep and the value,
// then the CRC-32C of those bytes. A crash while appending leaves a torn
// last record; no batch can use its code (the batch waits for the sync),
// so opening the file drops it.
const codesFile = "facet-codes"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// codeLog is a part's open codes file; n is how many codes it holds. Only
// the part's writer (under Index.mu, or the rebuild that owns the part)
// uses it.
type codeLog struct {
	f    *os.File
	n    int
	size int64 // bytes of the n records
}

// openCodeLog opens (creating it if needed) the codes file in dir and
// loads its codes into d, which must be empty or hold the same codes in
// the same order (the file is a prefix of it).
func openCodeLog(dir string, d *facetDict) (*codeLog, error) {
	path := filepath.Join(dir, codesFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("search: facet codes: %w", err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("search: facet codes: %w", err)
	}
	var values []string
	good := 0
	for rest := b; len(rest) > 0; {
		l, k := binary.Uvarint(rest)
		if k <= 0 || uint64(len(rest)-k) < l+4 {
			break
		}
		v := rest[k : k+int(l)]
		if binary.BigEndian.Uint32(rest[k+int(l):]) != crc32.Checksum(v, crcTable) || !bytes.Contains(v, []byte(codeSep)) {
			break
		}
		values = append(values, string(v))
		rest = rest[k+int(l)+4:]
		good = len(b) - len(rest)
	}
	if good < len(b) {
		// A torn record at the end (see codesFile); the next append must
		// start where the good records end.
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return nil, fmt.Errorf("search: facet codes: %w", err)
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("search: facet codes: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, v := range values {
		if i < len(d.values) {
			if d.values[i] != v {
				f.Close()
				return nil, fmt.Errorf("search: facet code %d differs from the dictionary's", i)
			}
			continue
		}
		d.byValue[v] = codeOf(i)
		d.values = append(d.values, v)
	}
	return &codeLog{f: f, n: len(values), size: int64(good)}, nil
}

// sync appends to the file the dictionary's codes it lacks and waits for
// them to be on disk: called before each batch, so that whatever Bleve
// persists decodes after a crash.
func (c *codeLog) sync(d *facetDict) error {
	d.mu.RLock()
	var buf []byte
	for _, v := range d.values[c.n:] {
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
		buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum([]byte(v), crcTable))
	}
	n := len(d.values)
	d.mu.RUnlock()
	if n == c.n {
		return nil
	}
	_, err := c.f.Write(buf)
	if err == nil {
		err = c.f.Sync()
	}
	if err != nil {
		// Whatever part went out is cut off, so that the next attempt
		// appends from the end of the last good record.
		_ = c.f.Truncate(c.size)
		_, _ = c.f.Seek(c.size, io.SeekStart)
		return fmt.Errorf("search: facet codes: %w", err)
	}
	c.n, c.size = n, c.size+int64(len(buf))
	return nil
}

func (c *codeLog) close() error { return c.f.Close() }

// facetCodes returns the codes of every facet value of e.
func (d *facetDict) facetCodes(e entry) []string {
	var out []string
	add := func(facet string, values ...string) {
		for _, v := range values {
			if v != "" {
				out = append(out, d.code(facet, v))
			}
		}
	}
	add(FacetKind, string(e.Kind))
	add(FacetLanguage, e.Language)
	add(FacetCarnet, e.CarnetIDs...)
	add(FacetCommunity, e.CommunityIDs...)
	add(FacetTerm, e.TermIDs...)
	add(FacetOrganisation, e.OrgIDs...)
	add(FacetStandpoint, e.Standpoints...)
	add(FacetFormat, e.Formats...)
	return out
}
