// Package archtest holds no code: its test checks that the packages import
// only what docs/architecture.md says they may, so that the document and
// the code cannot drift apart.
package archtest
