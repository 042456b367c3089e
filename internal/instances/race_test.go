//go:build race

package instances

// raceEnabled: the test binary runs under the race detector, so comite is
// built with it too, which also reuses the packages `go test -race` has
// just compiled instead of compiling them all again.
const raceEnabled = true
