package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/encommun/maillage/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ErrUnavailable wraps the failures a retry may cure: the server or
// cluster is down, busy, electing a leader, or the pool is exhausted. It
// is a graph.ErrUnavailable: the API reports them as INTERNAL, saying the
// store is unavailable; errors.Is(err, ErrUnavailable) lets a caller tell
// them apart.
var ErrUnavailable = fmt.Errorf("Neo4j is unavailable or busy: %w", graph.ErrUnavailable)

// mapError turns what a transaction returned into the store's errors:
// domain errors pass through untouched; a constraint violation is a
// CONFLICT (another writer got there first, or the data breaks a
// uniqueness rule); everything else is an internal fault, logged here
// with its details and wrapped so that it never reaches a caller verbatim
// (graph.ErrorMessage shows it as "internal error").
func (s *Store) mapError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var de *graph.Error
	if errors.As(err, &de) {
		return de
	}
	if ctx.Err() != nil {
		// The caller gave up (client gone, deadline): not a fault of the
		// store, and the driver's own error may only name it in its text.
		// Unless the driver was retrying a server that does not answer:
		// that is what the caller must learn, not that it was slow.
		if isUnavailable(err) {
			s.log.LogAttrs(ctx, slog.LevelError, "neo4j store: Neo4j unavailable until the caller's deadline",
				slog.String("err", err.Error()))
			return fmt.Errorf("%w: %w (%v)", ErrUnavailable, ctx.Err(), err)
		}
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	var n *neo4j.Neo4jError
	if errors.As(err, &n) && n.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		s.log.LogAttrs(ctx, slog.LevelInfo, "neo4j store: constraint violation reported as CONFLICT",
			slog.String("code", n.Code), slog.String("detail", n.Msg))
		return graph.Errorf(graph.ECONFLICT, "this object already exists: read it again and reapply your change")
	}
	if isUnavailable(err) {
		s.log.LogAttrs(ctx, slog.LevelError, "neo4j store: Neo4j unavailable or busy (the driver's retries are exhausted); the caller may retry later",
			slog.String("err", err.Error()))
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s.log.LogAttrs(ctx, slog.LevelError, "neo4j store: query failed", slog.String("err", err.Error()))
	return fmt.Errorf("neo4j store: %w", err)
}

// isUnavailable reports failures of the server or the connection rather
// than of the query.
func isUnavailable(err error) bool {
	var (
		conn  *neo4j.ConnectivityError
		limit *neo4j.TransactionExecutionLimit
		n     *neo4j.Neo4jError
	)
	switch {
	case errors.As(err, &conn), errors.As(err, &limit):
		return true
	case errors.As(err, &n):
		return n.IsRetriable() || strings.HasPrefix(n.Code, "Neo.TransientError.") ||
			n.Code == "Neo.ClientError.Database.DatabaseNotFound" ||
			strings.HasPrefix(n.Code, "Neo.ClientError.Cluster.")
	}
	return neo4j.IsRetryable(err)
}
