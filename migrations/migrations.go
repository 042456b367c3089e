// Package migrations holds the SQL schema changes, embedded in the binary so
// that `comite migrate` needs no file next to it. Each file wraps its work in
// BEGIN … COMMIT because golang-migrate does not add a transaction itself.
package migrations

import "embed"

// FS holds every NNNNNN_name.up.sql / .down.sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
