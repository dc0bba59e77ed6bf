// Package request is what every layer of the API (the HTTP server in api,
// the resolvers in api/resolve, the WebSocket connections in api/live)
// shares about one request: its id and outcome, the API's own error codes
// beside graph's, how an error reaches the caller (coded, or internal:
// logged with the request id and never shown), and the pieces of admission
// that HTTP requests and socket operations must apply alike (the slot
// queue, the key of a token's budget, Retry-After).
package request
