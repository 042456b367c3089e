package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"comite/internal/weedtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	weedtest.Stop()
	os.Exit(code)
}

// backendURLs are the two kinds of store: a local folder, and a bucket on a
// real S3 server (SeaweedFS, skipped where its binary is missing).
var backendURLs = map[string]func(t *testing.T) string{
	"folder": func(t *testing.T) string { return "file://" + filepath.Join(t.TempDir(), "files") },
	"s3":     func(t *testing.T) string { return weedtest.Shared(t).NewBucket(t) },
}

// TestBackends runs what the portal asks of a store against both kinds:
// storing, reading whole and by ranges, content stored once (the S3 copy
// onto itself that refreshes an object's time), missing files, the sweep;
// and it logs the throughput of an 8 MiB file each way.
func TestBackends(t *testing.T) {
	for _, name := range []string{"folder", "s3"} {
		t.Run(name, func(t *testing.T) {
			url := backendURLs[name](t)
			ctx := t.Context()
			s, err := Open(ctx, url, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()

			data := randomBytes(8<<20+3, 7)
			st, err := s.Stage(ctx, bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			started := time.Now()
			if err := s.Commit(ctx, st); err != nil {
				t.Fatal(err)
			}
			up := time.Since(started)
			started = time.Now()
			r, size, err := s.Open(ctx, st.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			down := time.Since(started)
			if err != nil || size != int64(len(data)) || !bytes.Equal(got, data) {
				t.Fatalf("read back %d bytes (size %d, %v), not the %d stored", len(got), size, err, len(data))
			}
			mib := float64(len(data)) / (1 << 20)
			t.Logf("%s: 8 MiB stored in %s (%.0f MiB/s), read in %s (%.0f MiB/s)", name,
				up.Round(time.Millisecond), mib/up.Seconds(), down.Round(time.Millisecond), mib/down.Seconds())
			// Ranges, as http.ServeContent asks for them.
			for _, off := range []int64{0, 5 << 20, int64(len(data)) - 10} {
				if _, err := r.Seek(off, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				part := make([]byte, 10)
				if _, err := io.ReadFull(r, part); err != nil || !bytes.Equal(part, data[off:off+10]) {
					t.Errorf("10 bytes at %d: %x (%v), want %x", off, part, err, data[off:off+10])
				}
			}
			r.Close()

			small := []byte("Relevé de décisions")
			a, b := stageCommit(t, s, small), stageCommit(t, s, small)
			if a != b {
				t.Fatalf("same content, two hashes: %s, %s", a, b)
			}
			missing := hashOf([]byte("never stored"))
			if _, _, err := s.Open(ctx, missing); !errors.Is(err, ErrNotFound) {
				t.Errorf("Open of a missing file: %v, want ErrNotFound", err)
			}
			if ok, err := s.Exists(ctx, missing); ok || err != nil {
				t.Errorf("Exists of a missing file = %v, %v", ok, err)
			}

			// The sweep, two days later: the orphan goes, the referenced stays.
			orphan := stageCommit(t, s, []byte("upload whose row was never committed"))
			n, err := s.Sweep(ctx, time.Now().Add(48*time.Hour), 24*time.Hour, func(_ context.Context, sha string) (bool, error) { return sha != orphan, nil })
			if err != nil || n != 1 {
				t.Errorf("Sweep = %d, %v; want the orphan deleted", n, err)
			}
			for sha, want := range map[string]bool{orphan: false, a: true, st.SHA256: true} {
				if ok, err := s.Exists(ctx, sha); ok != want || err != nil {
					t.Errorf("after the sweep, Exists(%s…) = %v, %v; want %v", sha[:8], ok, err, want)
				}
			}
		})
	}
}

// TestObjects stores, reads and refuses names in a folder and a bucket
// folder, as backups use them.
func TestObjects(t *testing.T) {
	for _, name := range []string{"folder", "s3"} {
		t.Run(name, func(t *testing.T) {
			url := backendURLs[name](t)
			if name == "s3" {
				url = strings.Replace(url, "?", "/sauvegardes?", 1)
			}
			o, err := OpenObjects(url)
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if err := o.Put(ctx, "a/b.txt", strings.NewReader("bonjour"), 7); err != nil {
				t.Fatal(err)
			}
			r, size, err := o.Open(ctx, "a/b.txt")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(r)
			r.Close()
			if string(b) != "bonjour" || size != 7 {
				t.Errorf("read %q (%d), want bonjour", b, size)
			}
			if _, _, err := o.Open(ctx, "a/none"); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing object: %v, want ErrNotFound", err)
			}
			for _, bad := range []string{"", "/abs", "../up", "a/../../b", "a//b"} {
				if err := o.Put(ctx, bad, strings.NewReader("x"), 1); err == nil {
					t.Errorf("Put(%q) accepted", bad)
				}
			}
		})
	}
}
