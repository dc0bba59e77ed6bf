// Package resolve holds the GraphQL resolvers (gqlgen's resolver
// directory: the *.resolvers.go files are regenerated from schema/, their
// bodies kept) and what they share: per-request dataloaders, Relay connections
// and global ids. Resolvers stay thin: they translate GraphQL to graph.Store
// and search calls, read with the viewer of the context, so privacy is
// enforced by the store and the index. The subscriptions' reads are here;
// their streams run on the WebSocket connection (api/live).
package resolve
