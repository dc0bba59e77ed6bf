package graph

import (
	"errors"
	"fmt"
)

// Error codes. They are the GraphQL `extensions.code` values the API returns,
// so the transport layer maps them one to one.
const (
	EINVALID         = "BAD_USER_INPUT"
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	EFORBIDDEN       = "FORBIDDEN"
	ENOTFOUND        = "NOT_FOUND"
	ECONFLICT        = "CONFLICT"
	EINTERNAL        = "INTERNAL"
)

// Error is the one domain error type. Its Message is safe to show to the
// caller; anything else (wrapped causes) is for logs only.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns a domain error with a caller-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrUnavailable marks a failure of the store's server or of the way to
// it (down, restarting, unreachable, overloaded): nothing the caller did
// wrong, and a retry may succeed. Stores wrap such failures with it; the
// API still answers INTERNAL, but says that much instead of "internal
// error", and /readyz reports the store not ready.
var ErrUnavailable = errors.New("the graph store is unavailable: retry in a moment")

// ErrorCode returns the code of a domain error in err's chain, or EINTERNAL
// for anything else: an unexpected error is never the caller's fault.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err: a domain error's own
// message, or a fixed text that reveals nothing of an internal failure.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	} else if errors.Is(err, ErrUnavailable) {
		return ErrUnavailable.Error()
	}
	return "internal error"
}

// NotFound is the error for a node (document, contributor, group) that is
// missing or hidden from the viewer: one message for both, so that a hidden
// document and an absent one cannot be told apart.
func NotFound(id string) *Error {
	return Errorf(ENOTFOUND, "no object with id %q", id)
}
