package model

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/encommun/maillage/graph"
)

// The API's own scalar coercion: a value that does not fit is the caller's
// mistake, so it fails with a BAD_USER_INPUT domain error rather than the
// untyped errors of gqlgen's built-in marshalers.

// MarshalTime writes t in RFC 3339 form, in UTC.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads an RFC 3339 date-time.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, graph.Errorf(graph.EINVALID, "a Time must be an RFC 3339 string, such as 2024-05-01T12:00:00Z")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, graph.Errorf(graph.EINVALID, "invalid Time %q: use RFC 3339, such as 2024-05-01T12:00:00Z", truncate(s, 64))
	}
	return t.UTC(), nil
}

// MarshalInt writes a GraphQL Int.
func MarshalInt(i int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Itoa(i))
	})
}

// UnmarshalInt reads a GraphQL Int: a whole number in the signed 32-bit
// range, as the GraphQL specification defines it.
func UnmarshalInt(v any) (int, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case json.Number:
		i, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil {
			return 0, intError(string(x))
		}
		n = i
	case float64:
		if x != math.Trunc(x) || x < math.MinInt32 || x > math.MaxInt32 {
			return 0, intError(strconv.FormatFloat(x, 'g', -1, 64))
		}
		n = int64(x)
	default:
		return 0, intError(fmt.Sprintf("%T", v))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, intError(strconv.FormatInt(n, 10))
	}
	return int(n), nil
}

func intError(got string) error {
	return graph.Errorf(graph.EINVALID, "an Int must be a whole number between %d and %d, got %s", math.MinInt32, math.MaxInt32, truncate(got, 32))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
