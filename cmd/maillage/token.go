package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/embedded"
)

func tokenCreateCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var data, role, contributor string
	fs := newFlagSet("token create", stderr)
	fs.StringVar(&data, "data", "./data", "data directory of the embedded store")
	fs.StringVar(&role, "role", "", "CONTRIBUTOR, RESEARCHER, CURATOR or ADMIN")
	fs.StringVar(&contributor, "contributor", "", "id of the contributor the token speaks for")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r, err := graph.ParseRole(role)
	if err != nil {
		return usageError{graph.ErrorMessage(err)}
	}
	if r == graph.RoleContributor && contributor == "" {
		return usageError{"a CONTRIBUTOR token must name its --contributor"}
	}
	store, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	sys := graph.SystemContext(ctx)
	if contributor != "" {
		if _, err := store.Contributor(sys, contributor); err != nil {
			return fmt.Errorf("contributor %q: %s", contributor, graph.ErrorMessage(err))
		}
	}
	secret, hash := graph.NewTokenSecret()
	if err := store.CreateToken(sys, graph.Token{Hash: hash, Role: r, ContributorID: contributor, CreatedAt: time.Now().UTC()}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
