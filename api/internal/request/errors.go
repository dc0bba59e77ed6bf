package request

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/graph"
)

// InternalMessage is all a caller learns of an internal failure.
const InternalMessage = "internal error"

// panicError is a recovered panic: its value and stack are for the logs.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// RecoverFunc turns a panic in a resolver into an internal error; the
// presenter logs it with its stack.
func RecoverFunc(_ context.Context, p any) error {
	return &panicError{value: p, stack: debug.Stack()}
}

// ErrorPresenter gives every error its extensions.code:
//   - a graph.Error anywhere in the chain: its code and caller-safe message;
//   - gqlgen's own errors (parse, validation, transport), which wrap
//     nothing: kept as they are, except that variable values which do not
//     coerce to their type are the caller's input, so BAD_USER_INPUT, and
//     that an unknown enum value's message lists the valid ones;
//   - anything else is internal: logged in full with the request id, and
//     the caller gets "internal error", the code INTERNAL and the request id.
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := &gqlerror.Error{}
		if !errors.As(err, &gqlErr) {
			gqlErr = gqlerror.WrapPath(graphql.GetPath(ctx), err)
		}
		out := &gqlerror.Error{
			Message:   gqlErr.Message,
			Path:      gqlErr.Path,
			Locations: gqlErr.Locations,
			Rule:      gqlErr.Rule,
		}
		var domain *graph.Error
		switch {
		case errors.Is(err, graph.ErrUnavailable) && !errors.As(err, &domain):
			// Before the deadline: a store retrying a server that is down
			// runs out the request's time, and the caller must learn why.
			return InternalError(ctx, logger, err, out.Path)
		case errors.Is(err, context.DeadlineExceeded):
			// The request's time limit (Limits.Timeout) cancelled the
			// store or search call: the caller's operation was too slow,
			// not the server broken.
			out.Message = "the operation took too long and was stopped"
			out.Extensions = map[string]any{"code": CodeTimeout}
		case errors.Is(err, context.Canceled):
			out.Message = "the request was cancelled"
			out.Extensions = map[string]any{"code": CodeCancelled}
		case errors.As(err, &domain):
			out.Message = domain.Message
			out.Extensions = map[string]any{"code": domain.Code}
		case gqlErr.Err == nil:
			out.Message = withEnumValues(out.Message)
			out.Extensions = gqlErr.Extensions
			if len(gqlErr.Path) > 0 && gqlErr.Path[0] == ast.PathName("variable") {
				out.Extensions = map[string]any{"code": graph.EINVALID}
			}
		default:
			return InternalError(ctx, logger, gqlErr.Err, out.Path)
		}
		if code, _ := out.Extensions["code"].(string); code == graph.EINTERNAL {
			// A domain error may say INTERNAL too: same treatment.
			return InternalError(ctx, logger, err, out.Path)
		}
		return out
	}
}

// InternalError logs err and returns what the caller may see of it.
func InternalError(ctx context.Context, logger *slog.Logger, err error, path ast.Path) *gqlerror.Error {
	id := ID(ctx)
	attrs := []slog.Attr{
		slog.String("request_id", id),
		slog.String("error", err.Error()),
	}
	if len(path) > 0 {
		attrs = append(attrs, slog.String("path", path.String()))
	}
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, slog.String("stack", string(p.stack)))
	}
	logger.LogAttrs(ctx, slog.LevelError, "internal error", attrs...)
	ext := map[string]any{"code": graph.EINTERNAL}
	if id != "" {
		ext["requestId"] = id
	}
	msg := InternalMessage
	if errors.Is(err, graph.ErrUnavailable) {
		msg = graph.ErrUnavailable.Error() // names no server, says what to do
	}
	return &gqlerror.Error{Message: msg, Path: path, Extensions: ext}
}
