// Package live runs GraphQL subscriptions over WebSocket at /graphql
// (graphql-transport-ws): the upgrade and its checks, the sign-in in
// connection_init, the protocol checks of what a client sends, the
// admission of each operation on a socket, the token re-checks that close
// a revoked connection, and Stream, which runs one subscription on the
// change broker (graph/live). What the subscriptions read is the
// resolvers' (api/resolve); the budgets, the dataloaders and the metrics
// are the HTTP server's, passed in through Config by api.NewHandler.
package live
