package main

import (
	"context"
	"io"
)

func benchEvalCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageError{Msg: "eval: not yet"}
}
