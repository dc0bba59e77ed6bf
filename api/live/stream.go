package live

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
	feed "github.com/encommun/maillage/graph/live"
)

// Stream runs one subscription: it admits it on the connection, subscribes
// to the broker, calls start (which reads the initial state, so that no
// change falls between it and the first event), then turns each change
// into events with handle until the client completes, the connection
// closes or the subscriber falls behind.
func Stream[T any](ctx context.Context, lc *Conn, match func(graph.Change) bool,
	start func(context.Context) error, handle func(context.Context, graph.Change) ([]T, error)) (<-chan T, error) {
	ls := lc.srv
	if err := lc.admit(ctx); err != nil {
		return nil, err
	}
	sub, err := ls.broker.Subscribe(ctx, match)
	if err != nil {
		lc.release()
		return nil, err
	}
	if err := start(ctx); err != nil {
		sub.Close()
		lc.release()
		return nil, err
	}
	out := make(chan T)
	go func() {
		defer close(out)
		defer lc.release()
		defer sub.Close()
		for {
			var c graph.Change
			select {
			case <-ctx.Done():
				return
			case ch, ok := <-sub.C():
				if !ok {
					if errors.Is(sub.Err(), feed.ErrOverflow) {
						transport.AddSubscriptionError(ctx, subscriptionError(codeSubscriptionOverflow,
							"this subscription fell too far behind the changes and was stopped: subscribe again and refetch what you show"))
					}
					return
				}
				c = ch
			}
			// Nothing is read for a connection whose token is gone. It
			// waits for the close it caused to end the subscription, so
			// that no complete message goes out before the close frame.
			if err := lc.checkToken(ctx); errors.Is(err, errTokenRevoked) {
				<-ctx.Done()
				return
			} else if err != nil {
				if ctx.Err() == nil {
					transport.AddSubscriptionError(ctx, request.InternalError(ctx, ls.logger, err, nil))
				}
				return
			}
			events, err := readEvents(ctx, ls, c, handle)
			if err != nil {
				if ctx.Err() == nil {
					transport.AddSubscriptionError(ctx, request.InternalError(ctx, ls.logger, err, nil))
				}
				return
			}
			for _, ev := range events {
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// readEvents bounds the reads of one event by the per-request timeout.
func readEvents[T any](ctx context.Context, ls *Server, c graph.Change, handle func(context.Context, graph.Change) ([]T, error)) ([]T, error) {
	if request.On(ls.cfg.Timeout) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ls.cfg.Timeout)
		defer cancel()
	}
	return handle(ctx, c)
}
