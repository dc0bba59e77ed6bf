package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/live"
)

// The two response media types of GraphQL over HTTP.
const (
	gqlMediaJSON     = "application/json"
	gqlMediaResponse = "application/graphql-response+json"
)

// httpTransport is GraphQL over HTTP as the GraphQL Foundation's spec
// draft describes it (checked in the test run by graphql-http's audits):
//
//   - the response is application/graphql-response+json or application/json,
//     whichever the Accept header prefers; application/json when there is
//     none or for a wildcard (older clients), 406 when neither is accepted;
//   - POST takes a JSON body (415 for any other content type or a charset
//     other than UTF-8); GET takes the parameters in the URL and runs
//     queries only (405 with Allow: POST for a mutation);
//   - a request that is not a well-formed GraphQL-over-HTTP request (bad
//     JSON, parameters of the wrong type, invalid UTF-8, a batch) is 400;
//   - a document that fails to parse or validate, or whose variables do
//     not coerce, is 400 with application/graphql-response+json and 200
//     with application/json (legacy clients expect 200), without a data
//     entry either way, since nothing was executed.
//
// gqlgen's own GET and POST transports answer a GET mutation with 406 and
// any other content type with a bare 400, and put "data": null on request
// errors; hence this one.
type httpTransport struct {
	timeout time.Duration // 0: none
	// maxJSON bounds the JSON parts of a multipart request (MaxBodyBytes).
	maxJSON int64
}

var _ graphql.Transport = httpTransport{}

// Supports takes every request but WebSocket upgrades (the subscription
// transport's): methods and media types are answered in Do, with the
// status code the spec asks for, rather than gqlgen's generic 400.
func (httpTransport) Supports(r *http.Request) bool { return !live.IsUpgrade(r) }

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media, ok := negotiateGraphQL(r.Header.Values("Accept"))
	if !ok {
		media = gqlMediaJSON
		reject(w, r, media, http.StatusNotAcceptable, request.CodeNotAcceptable,
			"the Accept header allows neither application/graphql-response+json nor application/json")
		return
	}
	var (
		params *graphql.RawParams
		status int
		err    error
	)
	switch r.Method {
	case http.MethodPost:
		if isMultipart(r) {
			var cleanup func()
			params, cleanup, status, err = multipartParams(r, t.maxJSON)
			defer cleanup()
			break
		}
		params, status, err = postParams(r)
	case http.MethodGet:
		params, status, err = getParams(r)
	default:
		w.Header().Set("Allow", "GET, POST")
		reject(w, r, media, http.StatusMethodNotAllowed, request.CodeMethodNotAllowed, "use POST (or GET for queries)")
		return
	}
	if err != nil {
		code := request.CodeBadRequest
		switch status {
		case http.StatusUnsupportedMediaType:
			code = request.CodeUnsupportedMedia
		case http.StatusRequestEntityTooLarge:
			code = request.CodeRequestTooLarge
		}
		reject(w, r, media, status, code, err.Error())
		return
	}
	params.Headers = r.Header

	if t.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	start := graphql.Now()
	params.ReadTime = graphql.TraceTiming{Start: start, End: start}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// A request error: nothing ran.
		request.SetOutcome(ctx, request.OutcomeRejected)
		status := http.StatusOK
		if media == gqlMediaResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeGraphQL(w, media, status, resp, false)
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		reject(w, r, media, http.StatusMethodNotAllowed, request.CodeMethodNotAllowed,
			fmt.Sprintf("GET runs queries only: send this %s with POST", opCtx.Operation.Operation))
		return
	}
	responses, execCtx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(execCtx)
	if resp == nil {
		// gqlgen returns no response when the context ended first.
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			request.SetOutcome(ctx, request.OutcomeTimeout)
			reject(w, r, media, http.StatusGatewayTimeout, request.CodeTimeout, request.TimeoutMessage(t.timeout))
			return
		}
		request.SetOutcome(ctx, request.OutcomeCancelled)
		reject(w, r, media, http.StatusServiceUnavailable, request.CodeCancelled, "the request was cancelled")
		return
	}
	request.SetOutcome(ctx, outcomeOf(resp.Errors))
	writeGraphQL(w, media, http.StatusOK, resp, true)
}

// negotiateGraphQL picks the response media type from the Accept headers: the
// supported type with the highest q, application/graphql-response+json on
// a tie, application/json for wildcards and when there is no header.
func negotiateGraphQL(accept []string) (string, bool) {
	if len(accept) == 0 {
		return gqlMediaJSON, true
	}
	best, bestQ := "", 0.0
	consider := func(media string, q float64) {
		if q > bestQ || (q == bestQ && q > 0 && media == gqlMediaResponse) {
			best, bestQ = media, q
		}
	}
	for _, header := range accept {
		for _, part := range strings.Split(header, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
				continue // we answer in UTF-8 only
			}
			switch mt {
			case gqlMediaResponse, gqlMediaJSON:
				consider(mt, q)
			case "*/*", "application/*":
				consider(gqlMediaJSON, q)
			}
		}
	}
	return best, best != ""
}

// requestBody is a POST body, each parameter kept raw to check its type.
type requestBody struct {
	Query         json.RawMessage `json:"query"`
	OperationName json.RawMessage `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

func postParams(r *http.Request) (*graphql.RawParams, int, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil, http.StatusUnsupportedMediaType, errors.New("send the request as Content-Type: application/json")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != gqlMediaJSON {
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("unsupported Content-Type %q: send application/json", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("unsupported charset %q: send UTF-8", cs)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("request body too large: at most %s", byteSize(tooLarge.Limit))
		}
		return nil, http.StatusBadRequest, errors.New("could not read the request body")
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, http.StatusBadRequest, errors.New("the request body is empty: send {\"query\": \"…\"}")
	case !utf8.Valid(body):
		return nil, http.StatusBadRequest, errors.New("the request body is not valid UTF-8")
	case trimmed[0] == '[':
		return nil, http.StatusBadRequest, errors.New("batched requests are not supported: send one operation per request")
	case trimmed[0] != '{':
		return nil, http.StatusBadRequest, errors.New("the request body must be a JSON object")
	}
	var rb requestBody
	if err := json.Unmarshal(body, &rb); err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("the request body is not valid JSON: %v", jsonProblem(err))
	}
	p := &graphql.RawParams{}
	if err := decodeString(rb.Query, "query", &p.Query); err != nil {
		return nil, http.StatusBadRequest, err
	}
	if err := decodeString(rb.OperationName, "operationName", &p.OperationName); err != nil {
		return nil, http.StatusBadRequest, err
	}
	if err := decodeMap(rb.Variables, "variables", &p.Variables); err != nil {
		return nil, http.StatusBadRequest, err
	}
	if err := decodeMap(rb.Extensions, "extensions", &p.Extensions); err != nil {
		return nil, http.StatusBadRequest, err
	}
	if err := needQuery(p); err != nil {
		return nil, http.StatusBadRequest, err
	}
	return p, 0, nil
}

func getParams(r *http.Request) (*graphql.RawParams, int, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, http.StatusBadRequest, errors.New("the URL query string is malformed")
	}
	for name, vs := range values {
		if len(vs) > 1 {
			return nil, http.StatusBadRequest, fmt.Errorf("parameter %s is given %d times", name, len(vs))
		}
		if !utf8.ValidString(vs[0]) {
			return nil, http.StatusBadRequest, fmt.Errorf("parameter %s is not valid UTF-8", name)
		}
	}
	p := &graphql.RawParams{Query: values.Get("query"), OperationName: values.Get("operationName")}
	if v := values.Get("variables"); v != "" {
		if err := decodeMap(json.RawMessage(v), "variables", &p.Variables); err != nil {
			return nil, http.StatusBadRequest, err
		}
	}
	if v := values.Get("extensions"); v != "" {
		if err := decodeMap(json.RawMessage(v), "extensions", &p.Extensions); err != nil {
			return nil, http.StatusBadRequest, err
		}
	}
	if err := needQuery(p); err != nil {
		return nil, http.StatusBadRequest, err
	}
	return p, 0, nil
}

// needQuery refuses a request with neither a document nor a persisted
// query id: it is not a GraphQL request at all.
func needQuery(p *graphql.RawParams) error {
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return errors.New("the request has no query")
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func decodeString(raw json.RawMessage, name string, into *string) error {
	if isNull(raw) {
		return nil
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fmt.Errorf("%s must be a string", name)
	}
	return nil
}

// decodeMap decodes a JSON object keeping numbers as json.Number, as
// gqlgen's transports do, so that large Int values are not rounded
// through float64 before coercion rejects them.
func decodeMap(raw json.RawMessage, name string, into *map[string]any) error {
	if isNull(raw) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || dec.More() {
		return fmt.Errorf("%s must be a JSON object", name)
	}
	*into = m
	return nil
}

// jsonProblem keeps the caller's own bytes out of the message.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return "the body must be a JSON object"
	}
	return err.Error()
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// reject answers a request that GraphQL did not execute, with one error.
func reject(w http.ResponseWriter, r *http.Request, media string, status int, code, message string) {
	if request.Outcome(r.Context()) == "" {
		request.SetOutcome(r.Context(), request.OutcomeRejected)
	}
	ext := map[string]any{"code": code}
	if id := request.ID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	writeGraphQL(w, media, status, &graphql.Response{Errors: gqlerror.List{{Message: message, Extensions: ext}}}, false)
}

// writeGraphQL writes resp as GraphQL over HTTP wants it on the wire: no
// data entry when nothing executed (graphql.Response always writes
// "data"). The data is written as gqlgen produced it: marshalling it as a
// json.RawMessage would scan, validate and copy every byte of it once
// more, a tenth of what a note query allocates.
func writeGraphQL(w http.ResponseWriter, media string, status int, resp *graphql.Response, executed bool) {
	var errs, ext, data []byte
	var err error
	if len(resp.Errors) > 0 {
		errs, err = json.Marshal(resp.Errors)
	}
	if err == nil && len(resp.Extensions) > 0 {
		ext, err = json.Marshal(resp.Extensions)
	}
	if executed {
		if data = resp.Data; len(data) == 0 {
			data = []byte("null")
		}
	}
	if err != nil {
		// Only an unencodable error extension gets here.
		status = http.StatusInternalServerError
		errs, data, ext = []byte(`[{"message":"internal error","extensions":{"code":"INTERNAL"}}]`), nil, nil
	}
	parts := make([][]byte, 0, 7)
	member := func(name string, v []byte) {
		if v == nil {
			return
		}
		sep := `,"`
		if len(parts) == 0 {
			sep = `{"`
		}
		parts = append(parts, []byte(sep+name+`":`), v)
	}
	member("errors", errs)
	member("data", data)
	member("extensions", ext)
	if len(parts) == 0 {
		parts = append(parts, []byte("{"))
	}
	parts = append(parts, []byte("}"))
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		w.Write(p)
	}
}
