package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/encommun/maillage/api/internal/request"
)

// The GraphQL multipart request spec (github.com/jaydenseric/graphql-multipart-request-spec),
// which GraphQL clients use to upload files: a multipart/form-data body
// whose first part, "operations", is the JSON request with null where the
// files go, whose second, "map", names for each file part the variable
// paths it fills, and whose other parts are the files, in the map's order.
//
// gqlgen's transport.MultipartForm does the same, but answers in its own
// way (no Accept negotiation, no request-error status) and keeps each file
// whole in memory up to MaxMemory; here the parts are read as they come
// into temporary files, and the request continues through httpTransport's
// path like any POST. The body's size and time limits are readBody's
// (MaxUploadBytes, UploadTimeout), applied before the parts are read.

// uploadMemory is the size up to which a file part is kept in memory; a
// larger one goes to a temporary file, removed when the request ends.
const uploadMemory = 1 << 20

// maxUploadFiles bounds the file parts of one request.
const maxUploadFiles = 4

func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// multipartParams reads a multipart request into params whose variables
// hold graphql.Upload values. cleanup closes and removes what the files
// took; it is set even on error. maxJSON bounds the operations and map
// parts (MaxBodyBytes).
func multipartParams(r *http.Request, maxJSON int64) (p *graphql.RawParams, cleanup func(), status int, err error) {
	var spooled []*os.File
	cleanup = func() {
		for _, f := range spooled {
			f.Close()
			os.Remove(f.Name())
		}
	}
	bad := func(format string, args ...any) (*graphql.RawParams, func(), int, error) {
		return nil, cleanup, http.StatusBadRequest, fmt.Errorf(format, args...)
	}
	readErr := func(err error) (*graphql.RawParams, func(), int, error) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, cleanup, http.StatusRequestEntityTooLarge, fmt.Errorf("request body too large: at most %s", byteSize(tooLarge.Limit))
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, cleanup, http.StatusRequestTimeout, errors.New("the upload did not arrive in time")
		}
		// A part or the body cut short (a truncated upload), or a broken
		// multipart framing: nothing runs, nothing is kept.
		return nil, cleanup, http.StatusBadRequest, errors.New("the multipart body is incomplete or malformed: send it again whole")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return bad("the multipart body has no boundary: %v", err)
	}
	jsonPart := func(name string, into any) (int, error) {
		part, err := mr.NextPart()
		if err != nil {
			_, _, s, e := readErr(err)
			return s, e
		}
		if part.FormName() != name {
			return http.StatusBadRequest, fmt.Errorf("the multipart body must start with the %q part, then \"map\", then the files", name)
		}
		b, err := io.ReadAll(io.LimitReader(part, maxJSON+1))
		if err != nil {
			_, _, s, e := readErr(err)
			return s, e
		}
		if int64(len(b)) > maxJSON {
			return http.StatusRequestEntityTooLarge, fmt.Errorf("the %q part is larger than %s", name, byteSize(maxJSON))
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(into); err != nil {
			return http.StatusBadRequest, fmt.Errorf("the %q part is not valid JSON: %v", name, jsonProblem(err))
		}
		return 0, nil
	}
	var rb requestBody
	if status, err := jsonPart("operations", &rb); err != nil {
		return nil, cleanup, status, err
	}
	p = &graphql.RawParams{}
	for _, f := range []struct {
		raw  json.RawMessage
		name string
		into *string
	}{{rb.Query, "query", &p.Query}, {rb.OperationName, "operationName", &p.OperationName}} {
		if err := decodeString(f.raw, f.name, f.into); err != nil {
			return bad("%v", err)
		}
	}
	if err := decodeMap(rb.Variables, "variables", &p.Variables); err != nil {
		return bad("%v", err)
	}
	if err := decodeMap(rb.Extensions, "extensions", &p.Extensions); err != nil {
		return bad("%v", err)
	}
	if err := needQuery(p); err != nil {
		return bad("%v", err)
	}
	var fileMap map[string][]string
	if status, err := jsonPart("map", &fileMap); err != nil {
		return nil, cleanup, status, err
	}
	if len(fileMap) > maxUploadFiles {
		return bad("at most %d files per request", maxUploadFiles)
	}
	for key, paths := range fileMap {
		if len(paths) != 1 {
			return bad("map entry %q must name exactly one variable path", request.Clip(key, 40))
		}
	}
	seen := map[string]bool{}
	for len(seen) < len(fileMap) {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return readErr(err)
		}
		key := part.FormName()
		paths, ok := fileMap[key]
		if !ok || seen[key] {
			return bad("the file part %q is not in the map, or comes twice", request.Clip(key, 40))
		}
		seen[key] = true
		up, f, err := spool(part)
		if f != nil {
			spooled = append(spooled, f)
		}
		if err != nil {
			return readErr(err)
		}
		if err := setUpload(p.Variables, paths[0], up); err != nil {
			return bad("%v", err)
		}
	}
	if len(seen) < len(fileMap) {
		return bad("the map names %d files but the body holds %d", len(fileMap), len(seen))
	}
	// The body must end there: a body cut short after its last file
	// (no closing boundary) is as incomplete as one cut in a file.
	if _, err := mr.NextPart(); err != io.EOF {
		if err == nil {
			return bad("the multipart body holds parts the map does not name")
		}
		return readErr(err)
	}
	return p, cleanup, 0, nil
}

// spool reads one file part: in memory up to uploadMemory, into a
// temporary file beyond. f is the file to clean up, if one was made.
func spool(part *multipart.Part) (graphql.Upload, *os.File, error) {
	name, ct := part.FileName(), part.Header.Get("Content-Type")
	// ReadAll, unlike ReadFull, tells a part cut short (the body ended
	// without its boundary: io.ErrUnexpectedEOF) from a short file.
	head, err := io.ReadAll(io.LimitReader(part, uploadMemory+1))
	if err != nil {
		return graphql.Upload{}, nil, err
	}
	if len(head) <= uploadMemory {
		return graphql.Upload{File: bytes.NewReader(head), Filename: name, Size: int64(len(head)), ContentType: ct}, nil, nil
	}
	f, err := os.CreateTemp("", "maillage-upload-*")
	if err != nil {
		return graphql.Upload{}, nil, err
	}
	size, err := io.Copy(f, io.MultiReader(bytes.NewReader(head), part))
	if err != nil {
		return graphql.Upload{}, f, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return graphql.Upload{}, f, err
	}
	return graphql.Upload{File: f, Filename: name, Size: size, ContentType: ct}, f, nil
}

// setUpload puts up at a map path such as "variables.input.file" or
// "variables.files.0", where the operations part holds null.
func setUpload(vars map[string]any, path string, up graphql.Upload) error {
	steps := strings.Split(path, ".")
	if len(steps) < 2 || steps[0] != "variables" {
		return fmt.Errorf("the map path %q must start with \"variables.\"", request.Clip(path, 80))
	}
	var cur any = vars
	for i, step := range steps[1:] {
		last := i == len(steps)-2
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v, ok := c[step]; !ok || v != nil {
					return fmt.Errorf("the map path %q does not name a null variable", request.Clip(path, 80))
				}
				c[step] = up
				return nil
			}
			cur = c[step]
		case []any:
			n, err := strconv.Atoi(step)
			if err != nil || n < 0 || n >= len(c) {
				return fmt.Errorf("the map path %q names no list item", request.Clip(path, 80))
			}
			if last {
				if c[n] != nil {
					return fmt.Errorf("the map path %q does not name a null variable", request.Clip(path, 80))
				}
				c[n] = up
				return nil
			}
			cur = c[n]
		default:
			return fmt.Errorf("the map path %q names nothing in the variables", request.Clip(path, 80))
		}
	}
	return fmt.Errorf("the map path %q names nothing in the variables", request.Clip(path, 80))
}
