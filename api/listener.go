package api

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"github.com/encommun/maillage/api/internal/request"
)

// Listener wraps ln so that the answers net/http writes itself, before
// any handler runs, are JSON with a code like every other error of the
// server: 431 when a request's headers (the URL counts) pass
// http.Server.MaxHeaderBytes, 400 when they are malformed or stop
// arriving (ReadHeaderTimeout). net/http writes those as text on the bare
// connection, and offers no hook to do otherwise.
func Listener(ln net.Listener) net.Listener { return guardedListener{ln} }

type guardedListener struct{ net.Listener }

func (l guardedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return guardedConn{c}, nil
}

// plainErrorHeaders are the headers of net/http's own answers (Go 1.26:
// server.go, conn.serve), each written whole in one Write on the
// connection. A handler's answer never carries exactly these: net/http
// adds a Date header to it. Should a later Go word them otherwise, its
// answers pass unchanged, and TestServeHeadersTooLargeIsJSON says so.
const plainErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// jsonAnswer rewrites one of net/http's text answers ("HTTP/1.1 431 Request
// Header Fields Too Large" + plainErrorHeaders + text), or returns nil.
func jsonAnswer(p []byte) []byte {
	const proto = "HTTP/1.1 "
	if len(p) > 512 || !bytes.HasPrefix(p, []byte(proto)) {
		return nil
	}
	statusLine, text, ok := bytes.Cut(p[len(proto):], []byte(plainErrorHeaders))
	if !ok || len(statusLine) < 3 || bytes.ContainsAny(statusLine, "\r\n") {
		return nil
	}
	status, err := strconv.Atoi(string(statusLine[:3]))
	if err != nil || status < 400 {
		return nil
	}
	// The text is the status ("400 Bad Request"), with the reason when
	// net/http gives one ("…: missing required Host header").
	reason := "it is malformed, or its headers came too slowly"
	if _, r, ok := bytes.Cut(text, []byte(": ")); ok {
		reason = string(r)
	} else if !bytes.Equal(text, statusLine) {
		reason = string(text)
	}
	code, message := request.CodeBadRequest, "the request could not be read: "+reason
	if status == http.StatusRequestHeaderFieldsTooLarge {
		code, message = request.CodeHeadersTooLarge, "the request's headers are too large (the URL counts): send a shorter URL, or the query with POST"
	}
	body := request.ErrorBody(message, code, "")
	return fmt.Appendf(nil, "%s%s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		proto, statusLine, len(body), body)
}

// guardedConn is a connection of Listener. It passes every write through
// but net/http's text answers, and keeps the methods net/http looks for
// on a connection: CloseWrite (to send its error answers before closing)
// and ReadFrom (sendfile).
type guardedConn struct{ net.Conn }

func (c guardedConn) Write(p []byte) (int, error) {
	if answer := jsonAnswer(p); answer != nil {
		if _, err := c.Conn.Write(answer); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c guardedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c guardedConn) ReadFrom(r io.Reader) (int64, error) { return io.Copy(c.Conn, r) }
