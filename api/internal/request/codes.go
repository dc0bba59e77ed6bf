package request

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes of the limits, in extensions.code. They are the API's own,
// beside graph's domain codes: a client can tell "fix the query" from
// "slow down" without reading messages.
const (
	CodeDepthLimit          = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit          = "ALIAS_LIMIT_EXCEEDED"
	CodeRootFieldLimit      = "ROOT_FIELD_LIMIT_EXCEEDED"
	CodeSelectionLimit      = "SELECTION_LIMIT_EXCEEDED"
	CodeComplexityLimit     = "COMPLEXITY_LIMIT_EXCEEDED" // gqlgen's own code for it
	CodeIntrospection       = "INTROSPECTION_DISABLED"
	CodeRateLimited         = "RATE_LIMITED"
	CodeOverloaded          = "OVERLOADED"
	CodeTimeout             = "TIMEOUT"
	CodeCancelled           = "CANCELLED"
	CodePersistedNotFound   = "PERSISTED_QUERY_NOT_FOUND" // what APQ clients look for
	CodePersistedNotInList  = "PERSISTED_QUERY_NOT_IN_LIST"
	CodeBadRequest          = "BAD_REQUEST"
	CodeMethodNotAllowed    = "METHOD_NOT_ALLOWED"
	CodeNotAcceptable       = "NOT_ACCEPTABLE"
	CodeUnsupportedMedia    = "UNSUPPORTED_MEDIA_TYPE"
	CodeRequestTooLarge     = "REQUEST_TOO_LARGE"
	CodeRequestTimeout      = "REQUEST_TIMEOUT"
	CodeHeadersTooLarge     = "REQUEST_HEADERS_TOO_LARGE"
	CodeGraphQLParseFailed  = errcode.ParseFailed
	CodeGraphQLInvalidQuery = errcode.ValidationFailed
)

// Errorf is a GraphQL error with one of the codes above.
func Errorf(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, code)
	return err
}

// On reports whether a limit is in force (negative switches it off).
func On[T int | int64 | float64 | time.Duration](v T) bool { return v > 0 }

// TimeoutMessage is what a caller learns of an operation stopped after d.
func TimeoutMessage(d time.Duration) string {
	return fmt.Sprintf("the operation took longer than %s and was stopped", d)
}

// WriteError writes a GraphQL response with one error, for failures
// that happen before GraphQL execution (authentication, limits, panics).
func WriteError(w http.ResponseWriter, status int, message, code, reqID string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(ErrorBody(message, code, reqID))
}

// ErrorBody is the JSON of a GraphQL response with one error; reqID ""
// adds no requestId.
func ErrorBody(message, code, reqID string) []byte {
	ext := map[string]any{"code": code}
	if reqID != "" {
		ext["requestId"] = reqID
	}
	body, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{"message": message, "extensions": ext}},
	})
	return body
}

// Clip shortens s to at most n bytes without splitting a character, so that
// echoing caller input in a message stays short and valid.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
