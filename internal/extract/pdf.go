package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// pdfText runs poppler's pdftotext on a temp copy of the file. Its output is
// read up to MaxText bytes; past that the process is killed.
func pdfText(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", ErrNoPdftotext
	}
	tmp, err := os.CreateTemp("", "comite-extract-*.pdf")
	if err != nil {
		return "", fmt.Errorf("pdf temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, io.NewSectionReader(r, 0, size))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("pdf temp file: %w", err)
	}

	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-q", tmp.Name(), "-")
	// Wait must not hang on a pipe held open by a stray child.
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", fmt.Errorf("pdftotext: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("pdftotext: %w", err)
	}
	out, readErr := io.ReadAll(io.LimitReader(stdout, MaxText+1))
	full := len(out) > MaxText
	if full {
		// Enough text: the rest is not needed.
		_ = cmd.Process.Kill()
		out = cutRune(out[:MaxText])
	}
	waitErr := cmd.Wait()
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("pdftotext: %w", err)
	}
	if !full {
		var exit *exec.ExitError
		switch {
		case errors.As(waitErr, &exit):
			// 1: cannot open the file, 2: cannot write the output,
			// 3: permissions, 99: other (poppler's exit codes).
			return "", invalid(fmt.Errorf("pdftotext: %s", exit))
		case waitErr != nil:
			return "", fmt.Errorf("pdftotext: %w", waitErr)
		case readErr != nil:
			return "", fmt.Errorf("pdftotext output: %w", readErr)
		}
	}
	// pdftotext ends each page with a form feed.
	text := strings.ReplaceAll(string(out), "\f", "\n")
	return clean(strings.TrimSpace(text)), nil
}
