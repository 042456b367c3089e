package backup

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// A password in DATABASE_URL reaches pg_dump through its environment, not
// its command line, which every user of the machine can read.
func TestPgCommandHidesPassword(t *testing.T) {
	cmd := pgCommand(context.Background(), "/usr/bin/pg_dump", "postgres://comite:s3cr%C3%A8t@db.internal/comite?sslmode=verify-full", "--format=custom")
	if strings.Contains(strings.Join(cmd.Args, " "), "s3cr") {
		t.Errorf("the password is on the command line: %q", cmd.Args)
	}
	if !slices.Contains(cmd.Args, "--dbname=postgres://comite@db.internal/comite?sslmode=verify-full") {
		t.Errorf("args %q lack the URL without its password", cmd.Args)
	}
	if !slices.Contains(cmd.Env, "PGPASSWORD=s3crèt") {
		t.Error("PGPASSWORD not set")
	}
	cmd = pgCommand(context.Background(), "/usr/bin/pg_dump", "postgres://comite@/comite?host=/tmp/s")
	if !slices.Contains(cmd.Args, "--dbname=postgres://comite@/comite?host=/tmp/s") {
		t.Errorf("a URL without a password changed: %q", cmd.Args)
	}
}
