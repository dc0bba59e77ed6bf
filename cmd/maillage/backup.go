package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

const backupUsage = `usage:
  maillage backup --out FILE --url URL --token TOKEN   copy the store of a running server (an ADMIN token)
  maillage backup --out FILE [--data DIR]             copy the store of a stopped server`

// backupCommand copies the embedded store whole, as a file that `serve`
// opens as it is. The copy is written beside FILE, synced, checked page by
// page, and only then renamed to FILE: a FILE that exists is a whole copy.
func backupCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var out, data, server, token string
	fs := newFlagSet("backup", stderr)
	fs.StringVar(&out, "out", "", "file to write the copy to (must not exist)")
	fs.StringVar(&data, "data", "./data", "data directory of a stopped server")
	fs.StringVar(&server, "url", "", "base URL of a running server (http://127.0.0.1:8080)")
	fs.StringVar(&token, "token", "", "an ADMIN token of that server")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if out == "" {
		return usageError{Msg: "--out is required\n" + backupUsage}
	}
	if server == "" && token != "" {
		return usageError{Msg: "--token goes with --url\n" + backupUsage}
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("%s already exists: a backup never replaces a file, choose another name", out)
	}
	part := out + ".part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w (a backup may be running, or a failed one left it: remove it)", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(part)
		}
	}()
	start := time.Now()
	var size int64
	if server != "" {
		size, err = copyFromServer(ctx, server, token, f)
	} else {
		size, err = copyFromDirectory(ctx, data, f)
	}
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	seq, err := embedded.VerifyCopy(part)
	if err != nil {
		return fmt.Errorf("backup: the copy failed its check, nothing kept: %w", err)
	}
	if err := os.Rename(part, out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	done = true
	if d, err := os.Open(filepath.Dir(out)); err == nil {
		_ = d.Sync() // the rename itself survives a crash
		d.Close()
	}
	fmt.Fprintf(stdout, "copied the store to %s: %d bytes, change sequence %d, in %s (checked)\n",
		out, size, seq, time.Since(start).Round(time.Millisecond))
	return nil
}

func copyFromDirectory(ctx context.Context, data string, w io.Writer) (int64, error) {
	s, err := embedded.Open(data, embedded.Options{CacheBytes: -1})
	if errors.Is(err, embedded.ErrLocked) {
		return 0, fmt.Errorf("%w\n(a running server copies its store with: maillage backup --url URL --token ADMIN-TOKEN --out FILE)", err)
	}
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var n int64
	err = s.HotBackup(graph.SystemContext(ctx), func(size int64, _ uint64) (io.Writer, error) {
		n = size
		return w, nil
	})
	return n, err
}

// copyFromServer fetches GET /admin/backup; an error answer is told with
// its code, and a copy cut short is an error (Go's client checks the
// length the server announced).
func copyFromServer(ctx context.Context, server, token string, w io.Writer) (int64, error) {
	base, err := url.Parse(server)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return 0, usageError{Msg: fmt.Sprintf("--url must be the server's base URL, such as http://127.0.0.1:8080, not %q", server)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base.String(), "/")+"/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var r struct {
			Errors cmdkit.ErrorList `json:"errors"`
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(body, &r) == nil && len(r.Errors) > 0 {
			return 0, fmt.Errorf("backup refused by the server (%d %s): %s", resp.StatusCode, r.Errors[0].Extensions.Code, r.Errors[0].Message)
		}
		return 0, fmt.Errorf("backup refused by the server: %s", resp.Status)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("backup: the copy stopped after %d bytes: %w", n, err)
	}
	return n, nil
}
