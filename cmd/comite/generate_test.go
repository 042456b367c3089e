package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestGenerateCommand(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{
		{"generate", "--documents", "-1"},
		{"generate", "--comments", "beaucoup"},
		{"generate", "--seed", "-3"},
		{"generate", "extra"},
	} {
		err := run(context.Background(), args, noEnv, strings.NewReader(""), io.Discard)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%q: got %v, want a usage error (exit status 2)", args, err)
		}
	}

	dir := reachableTempDir(t)
	var out strings.Builder
	args := []string{"generate", "--data", dir, "--documents", "40", "--comments", "300", "--seed", "3"}
	if err := run(context.Background(), args, noEnv, strings.NewReader(""), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log(out.String())
	for _, want := range []string{"40 documents", "300 commentaires", "mot rare « Quimperlé »"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	out.Reset()
	err := run(context.Background(), args, noEnv, strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "déjà") {
		t.Errorf("second run: got %v, want a refusal", err)
	}
}
