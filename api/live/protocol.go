package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/encommun/maillage/api/internal/request"
)

// The protocol's own close codes for its faults, which gqlgen's transport
// does not use: it closes every protocol fault with 1002, and runs a
// second subscribe with an id still running as if it were new, leaving
// two operations under one id. A second connection_init closes with
// closeTooManyRequests (4429), as the protocol says.
const (
	closeBadRequest       = 4400
	closeUnauthorized     = 4401
	closeSubscriberExists = 4409
)

// protocolConn checks each message a client sends against
// graphql-transport-ws before gqlgen reads it, and closes the socket as
// the protocol says when it is not one: 4400 for a message that is not
// valid, 4401 for an operation before connection_init, 4409 for a
// subscribe whose id is still running, 4429 for a second connection_init.
// It follows the ids running by the messages both ways: a subscribe
// starts one; the client's complete, or the server's complete or error,
// ends it.
type protocolConn struct {
	transport.WebsocketConn

	mu      sync.Mutex
	inited  bool
	running map[string]bool
}

var (
	_ transport.WebsocketReadLimiter   = (*protocolConn)(nil)
	_ transport.WebsocketReadDeadliner = (*protocolConn)(nil)
)

// clientMessage is a message as a client may send it; the fields are raw
// so that their types can be checked.
type clientMessage struct {
	Type    json.RawMessage `json:"type"`
	ID      json.RawMessage `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

type subscribePayload struct {
	Query         json.RawMessage `json:"query"`
	OperationName json.RawMessage `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

func (c *protocolConn) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil {
		return typ, r, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return typ, nil, err
	}
	if code, reason := c.check(b); code != 0 {
		_ = c.WebsocketConn.WriteClose(code, reason)
		// gqlgen ends the connection quietly on this error; its own close
		// frame after ours is not sent.
		return typ, nil, transport.ErrWebsocketClosed
	}
	return typ, bytes.NewReader(b), nil
}

// check returns the close code and reason for a message that breaks the
// protocol, or 0.
func (c *protocolConn) check(b []byte) (int, string) {
	var m clientMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return closeBadRequest, "Invalid message received: not a JSON object"
	}
	var typ string
	if err := json.Unmarshal(m.Type, &typ); err != nil || typ == "" {
		return closeBadRequest, "Invalid message received: type must be a string"
	}
	id, idOK := "", false
	if !isNull(m.ID) {
		idOK = json.Unmarshal(m.ID, &id) == nil && id != ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch typ {
	case "connection_init":
		if !isNull(m.Payload) && !isObject(m.Payload) {
			return closeBadRequest, "Invalid message received: the connection_init payload must be an object"
		}
		if c.inited {
			return closeTooManyRequests, "Too many initialisation requests"
		}
		c.inited = true
	case "ping", "pong":
		if !isNull(m.Payload) && !isObject(m.Payload) {
			return closeBadRequest, fmt.Sprintf("Invalid message received: the %s payload must be an object", typ)
		}
	case "subscribe":
		if !idOK {
			return closeBadRequest, "Invalid message received: subscribe needs an id, a non-empty string"
		}
		if why := checkSubscribePayload(m.Payload); why != "" {
			return closeBadRequest, "Invalid message received: " + why
		}
		if !c.inited {
			return closeUnauthorized, "Unauthorized"
		}
		if c.running[id] {
			return closeSubscriberExists, fmt.Sprintf("Subscriber for %s already exists", request.Clip(id, 60))
		}
		if c.running == nil {
			c.running = map[string]bool{}
		}
		c.running[id] = true
	case "complete":
		if !idOK {
			return closeBadRequest, "Invalid message received: complete needs an id, a non-empty string"
		}
		if !c.inited {
			return closeUnauthorized, "Unauthorized"
		}
		delete(c.running, id)
	default:
		return closeBadRequest, fmt.Sprintf("Invalid message received: %q is not a message a client sends", request.Clip(typ, 40))
	}
	return 0, ""
}

func checkSubscribePayload(raw json.RawMessage) string {
	if !isObject(raw) {
		return "the subscribe payload must be an object"
	}
	var p subscribePayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return "the subscribe payload must be an object"
	}
	var s string
	switch {
	case !isNull(p.Query) && json.Unmarshal(p.Query, &s) != nil:
		return "query must be a string"
	case isNull(p.Query) && !isObject(p.Extensions):
		// A persisted query names its document in the extensions.
		return "the subscribe payload needs a query"
	case !isNull(p.OperationName) && json.Unmarshal(p.OperationName, &s) != nil:
		return "operationName must be a string or null"
	case !isNull(p.Variables) && !isObject(p.Variables):
		return "variables must be an object or null"
	case !isNull(p.Extensions) && !isObject(p.Extensions):
		return "extensions must be an object or null"
	}
	return ""
}

func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

// WriteJSON sends a message of gqlgen's; a complete or an error ends its
// id, which the client may then use again.
func (c *protocolConn) WriteJSON(v any) error {
	if typ, id := messageTypeAndID(v); id != "" && (typ == "complete" || typ == "error") {
		c.mu.Lock()
		delete(c.running, id)
		c.mu.Unlock()
	}
	return c.WebsocketConn.WriteJSON(v)
}

// messageTypeAndID reads the type and id of one of gqlgen's outgoing
// messages, a struct with fields Type and ID, without encoding it (a
// result may be large); any other value is encoded to read them.
func messageTypeAndID(v any) (string, string) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() == reflect.Struct {
		t, id := rv.FieldByName("Type"), rv.FieldByName("ID")
		if t.IsValid() && id.IsValid() && t.Kind() == reflect.String && id.Kind() == reflect.String {
			return t.String(), id.String()
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", ""
	}
	var m struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	_ = json.Unmarshal(b, &m)
	return m.Type, m.ID
}

func (c *protocolConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *protocolConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}
