package api

// gqlgen reads gqlgen.yml at the module root and writes api/internal/exec,
// api/model/models_gen.go and the *.resolvers.go stubs of api/resolve.
//go:generate go run -C .. github.com/99designs/gqlgen generate
