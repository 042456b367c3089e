package blob

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// testStore is a file:// store in a fresh folder, with its bucket folder.
func testStore(t testing.TB) (*Store, string) {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "files")
	s, err := Open(t.Context(), "file://"+dir, filepath.Join(root, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// randomBytes returns n reproducible bytes that no sniffer recognises.
func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// stageCommit stores b and returns its hash.
func stageCommit(t *testing.T, s *Store, b []byte) string {
	t.Helper()
	st, err := s.Stage(t.Context(), bytes.NewReader(b), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Discard()
	if err := s.Commit(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	return st.SHA256
}

// files lists the files under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// age sets the modification time of the stored file sha to d ago, as if it
// had been uploaded then.
func age(t *testing.T, dir, sha string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(keyOf(sha))), old, old); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	s, dir := testStore(t)
	ctx := t.Context()
	data := randomBytes(300<<10+7, 1)

	st, err := s.Stage(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Discard()
	if st.SHA256 != hashOf(data) || st.Size != int64(len(data)) || st.MediaType != "application/octet-stream" {
		t.Fatalf("staged %+v, want sha256 %s, size %d, application/octet-stream", st, hashOf(data), len(data))
	}
	if err := s.Commit(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left after Commit: %v", got)
	}
	want := []string{"sha256/" + st.SHA256[:2] + "/" + st.SHA256[2:4] + "/" + st.SHA256}
	if got := files(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("bucket holds %v, want %v (no .attrs or temp files)", got, want)
	}
	if ok, err := s.Exists(ctx, st.SHA256); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}

	r, size, err := s.Open(ctx, st.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(data)) || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (size %d), not the %d bytes stored", len(got), size, len(data))
	}
	// http.ServeContent seeks for Range requests.
	if _, err := r.Seek(-10, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tail, data[len(data)-10:]) {
		t.Errorf("last 10 bytes after Seek = %x, want %x", tail, data[len(data)-10:])
	}
}

func TestStageSniffs(t *testing.T) {
	s, _ := testStore(t)
	thumbnail := string(randomBytes(8<<10, 2)) // a preview picture pushes word/ past 4 KiB
	for _, tc := range []struct {
		name, want string
		content    []byte
	}{
		{"pdf", "application/pdf", []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")},
		{"text without charset", "text/plain", []byte("Réunion du comité : ordre du jour\n")},
		{"csv", "text/csv", []byte("ministère,montant\nÉconomie,1200\nIntérieur,950\n")},
		{"exe", "application/vnd.microsoft.portable-executable", append([]byte("MZ"), make([]byte, 200)...)},
		{"docx with a big preview first", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			zipOf(t, "[Content_Types].xml", "<Types/>", "docProps/thumbnail.jpeg", thumbnail, "word/document.xml", "<w:document/>")},
		{"zip of word/ without [Content_Types].xml", "application/zip",
			zipOf(t, "docProps/thumbnail.jpeg", thumbnail, "word/document.xml", "<w:document/>")},
		{"zip mixing word/ and xl/", "application/zip",
			zipOf(t, "[Content_Types].xml", "<Types/>", "docProps/thumbnail.jpeg", thumbnail, "word/document.xml", "", "xl/workbook.xml", "")},
		{"plain zip", "application/zip", zipOf(t, "lisez-moi.txt", "bonjour")},
		{"empty", "text/plain", nil},
	} {
		st, err := s.Stage(t.Context(), bytes.NewReader(tc.content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		st.Discard()
		if st.MediaType != tc.want {
			t.Errorf("%s: sniffed %q, want %q", tc.name, st.MediaType, tc.want)
		}
	}
}

// zipOf builds a ZIP of name, content pairs, stored so that the entries'
// sizes, not compression, decide where they lie.
func zipOf(t *testing.T, entries ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(entries); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entries[i], Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(entries[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSameContentStoredOnce(t *testing.T) {
	s, dir := testStore(t)
	data := []byte("Compte rendu du comité du 12 mars")
	a := stageCommit(t, s, data)
	b := stageCommit(t, s, data)
	if a != b {
		t.Fatalf("hashes differ: %s, %s", a, b)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("bucket holds %v, want one file", got)
	}
}

func TestTooLarge(t *testing.T) {
	s, _ := testStore(t)
	const max = 1000
	_, err := s.Stage(t.Context(), bytes.NewReader(randomBytes(max+1, 3)), max)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Stage of max+1 bytes: %v, want ErrTooLarge", err)
	}
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left after ErrTooLarge: %v", got)
	}
	st, err := s.Stage(t.Context(), bytes.NewReader(randomBytes(max, 3)), max)
	if err != nil {
		t.Fatalf("Stage of exactly max bytes: %v", err)
	}
	st.Discard()
	st.Discard() // idempotent
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left after Discard: %v", got)
	}
}

func TestStageCancelled(t *testing.T) {
	s, _ := testStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Stage(ctx, bytes.NewReader(randomBytes(1000, 4)), 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("Stage with a cancelled context: %v", err)
	}
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left: %v", got)
	}
}

func TestDiscardAfterFailedCommit(t *testing.T) {
	s, dir := testStore(t)
	data := randomBytes(5000, 5)
	st, err := s.Stage(t.Context(), bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Commit(ctx, st); err == nil {
		t.Fatal("Commit with a cancelled context succeeded")
	}
	if got := files(t, s.tmpDir); len(got) != 1 {
		t.Errorf("after a failed Commit, temp folder holds %v, want the staged file", got)
	}
	st.Discard()
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left after Discard: %v", got)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("bucket holds %v after a failed Commit", got)
	}
}

func TestOpenRefusesNonHashes(t *testing.T) {
	s, _ := testStore(t)
	sha := stageCommit(t, s, []byte("document"))
	for _, name := range []string{
		"../../etc/passwd",
		"sha256/" + sha[:2] + "/" + sha[2:4] + "/" + sha,
		strings.ToUpper(sha),
		sha[:63],
		sha + "0",
		"../" + sha[3:],
		strings.Repeat("z", 64),
		"",
		hashOf([]byte("never stored")),
	} {
		if _, _, err := s.Open(t.Context(), name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): %v, want ErrNotFound", name, err)
		}
		if ok, err := s.Exists(t.Context(), name); ok || err != nil {
			t.Errorf("Exists(%q) = %v, %v", name, ok, err)
		}
	}
}

func TestSweep(t *testing.T) {
	s, dir := testStore(t)
	const grace = time.Hour
	never := func(context.Context, string) (bool, error) { return false, nil }
	if n, err := s.Sweep(t.Context(), time.Now(), grace, never); n != 0 || err != nil {
		t.Errorf("Sweep of an empty store = %d, %v", n, err)
	}
	if _, err := s.Sweep(t.Context(), time.Now(), 0, never); err == nil {
		t.Error("Sweep accepted a zero grace")
	}
	orphan := stageCommit(t, s, []byte("upload whose row was never committed"))
	kept := stageCommit(t, s, []byte("document still listed"))
	fresh := stageCommit(t, s, []byte("upload in progress"))
	age(t, dir, orphan, 2*grace)
	age(t, dir, kept, 2*grace)

	// Left by crashes: a staging file, a folder store temp file; and files that are not ours.
	old := time.Now().Add(-2 * grace)
	leftovers := map[string]bool{ // path: should survive
		filepath.Join(s.tmpDir, stagePrefix+"crashed"):                       false,
		filepath.Join(s.tmpDir, stagePrefix+"uploading"):                     true,
		filepath.Join(s.tmpDir, "not-ours"):                                  true,
		filepath.Join(dir, filepath.FromSlash(keyOf(orphan))) + ".18c2a.tmp": false,
	}
	for path, survives := range leftovers {
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !survives || strings.HasSuffix(path, "not-ours") {
			os.Chtimes(path, old, old)
		}
	}

	var asked []string
	var mu sync.Mutex
	n, err := s.Sweep(t.Context(), time.Now(), grace, func(_ context.Context, sha string) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, sha)
		return sha == kept, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("Sweep deleted %d files, want 1", n)
	}
	for sha, want := range map[string]bool{orphan: false, kept: true, fresh: true} {
		if ok, _ := s.Exists(t.Context(), sha); ok != want {
			t.Errorf("after Sweep, Exists(%s) = %v, want %v", sha, ok, want)
		}
	}
	if len(asked) != 2 {
		t.Errorf("referenced asked about %v, want only the two old files", asked)
	}
	for path, survives := range leftovers {
		if _, err := os.Stat(path); (err == nil) != survives {
			t.Errorf("%s: survives = %v, want %v", path, err == nil, survives)
		}
	}

	// A failing referenced stops the sweep without deleting anything.
	age(t, dir, kept, 2*grace)
	boom := errors.New("database down")
	n, err = s.Sweep(t.Context(), time.Now(), grace, func(context.Context, string) (bool, error) { return false, boom })
	if !errors.Is(err, boom) || n != 0 {
		t.Errorf("Sweep with a failing referenced = %d, %v", n, err)
	}
	if ok, _ := s.Exists(t.Context(), kept); !ok {
		t.Error("Sweep deleted a file it could not check")
	}
}

// An old orphan uploaded again is about to be referenced by a new row: Commit
// refreshes it so that a Sweep running meanwhile leaves it alone.
func TestSweepSparesRecommittedContent(t *testing.T) {
	s, dir := testStore(t)
	data := []byte("document deleted long ago, uploaded again")
	sha := stageCommit(t, s, data)
	age(t, dir, sha, 48*time.Hour)
	stageCommit(t, s, data)
	n, err := s.Sweep(t.Context(), time.Now(), time.Hour, func(context.Context, string) (bool, error) { return false, nil })
	if err != nil || n != 0 {
		t.Fatalf("Sweep = %d, %v; want nothing deleted", n, err)
	}
	if ok, _ := s.Exists(t.Context(), sha); !ok {
		t.Fatal("re-uploaded content was swept")
	}
}

// The re-check before deleting: the row appeared after the listing but
// before Sweep asked, or Commit touched the file while Sweep was asking.
func TestSweepRechecksBeforeDeleting(t *testing.T) {
	s, dir := testStore(t)
	data := []byte("uploaded again during the sweep")
	sha := stageCommit(t, s, data)
	age(t, dir, sha, 48*time.Hour)
	n, err := s.Sweep(t.Context(), time.Now(), time.Hour, func(context.Context, string) (bool, error) {
		stageCommit(t, s, data) // Commit of the same content; its row is not committed yet
		return false, nil
	})
	if err != nil || n != 0 {
		t.Fatalf("Sweep = %d, %v; want nothing deleted", n, err)
	}
	if ok, _ := s.Exists(t.Context(), sha); !ok {
		t.Fatal("content committed during the sweep was deleted")
	}
}

func TestConcurrentCommitOfSameContent(t *testing.T) {
	s, dir := testStore(t)
	data := randomBytes(1<<20, 6)
	const n = 8
	staged := make([]*Staged, n)
	for i := range staged {
		st, err := s.Stage(t.Context(), bytes.NewReader(data), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Discard()
		staged[i] = st
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i, st := range staged {
		wg.Go(func() {
			<-start
			errs[i] = s.Commit(t.Context(), st)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("bucket holds %v, want one file", got)
	}
	r, _, err := s.Open(t.Context(), hashOf(data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, _ := io.ReadAll(r); !bytes.Equal(got, data) {
		t.Error("stored content differs")
	}
}

func TestOpenURLs(t *testing.T) {
	tmp := t.TempDir()
	for _, url := range []string{
		"file://relative/folder",
		"file:///abs/folder?metadata=skip",
		"/abs/folder",
		"gs://bucket",
		"mem://",
	} {
		if s, err := Open(t.Context(), url, tmp); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", url)
		}
	}
}

// The S3 client is built without contacting the service: credentials and
// the bucket are only checked by the first request (TestBackends makes
// them against a real server).
func TestOpenS3(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, url := range []string{
		"s3://bucket?region=eu-west-3",
		"s3://comite-documents?region=fr-par&endpoint=https://s3.fr-par.scw.cloud&use_path_style=true",
	} {
		s, err := Open(t.Context(), url, t.TempDir())
		if err != nil {
			t.Fatalf("Open(%q): %v", url, err)
		}
		if s.dir != "" {
			t.Errorf("Open(%q) took it for a folder", url)
		}
		s.Close()
	}
}

func TestParseS3URL(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	for raw, want := range map[string]s3Config{
		"s3://bucket?region=eu-west-3": {bucket: "bucket", endpoint: "s3.amazonaws.com", secure: true,
			region: "eu-west-3", lookup: minio.BucketLookupDNS},
		"s3://bucket": {bucket: "bucket", endpoint: "s3.amazonaws.com", secure: true,
			region: "eu-west-1", lookup: minio.BucketLookupDNS},
		"s3://comite-documents?region=fr-par&endpoint=https://s3.fr-par.scw.cloud&use_path_style=true": {
			bucket: "comite-documents", endpoint: "s3.fr-par.scw.cloud", secure: true, region: "fr-par",
			lookup: minio.BucketLookupPath},
		"s3://files?region=us-east-1&endpoint=http://127.0.0.1:8333&use_path_style=true": {
			bucket: "files", endpoint: "127.0.0.1:8333", region: "us-east-1", lookup: minio.BucketLookupPath},
		"s3://files?endpoint=seaweed:8333&disable_https=true&use_path_style=1": {
			bucket: "files", endpoint: "seaweed:8333", region: "eu-west-1", lookup: minio.BucketLookupPath},
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseS3URL(u)
		if err != nil || got != want {
			t.Errorf("parseS3URL(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{
		"s3://",
		"s3://bucket/folder",
		"s3://bucket?regoin=eu-west-3",
		"s3://bucket?use_path_style=yes please",
		"s3://bucket?endpoint=ftp://host",
		"s3://bucket?endpoint=https://host/path",
		"s3://bucket?region=a&region=b",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		if c, err := parseS3URL(u); err == nil {
			t.Errorf("parseS3URL(%q) = %+v, want an error", raw, c)
		}
	}
}

// stream yields left bytes without holding them, as an upload arrives.
type stream struct{ left int64 }

func (s *stream) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.left))
	for i := range p[:n] {
		p[i] = byte(s.left - int64(i))
	}
	s.left -= int64(n)
	return n, nil
}

// peakHeapGrowth runs f and returns the highest heap in use while it ran,
// above what was in use before, and the bytes it allocated in all.
func peakHeapGrowth(f func()) (peak, total uint64) {
	runtime.GC()
	var before, m runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	var high uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			high = max(high, m.HeapAlloc)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&m)
	high = max(high, m.HeapAlloc)
	return high - min(high, before.HeapAlloc), m.TotalAlloc - before.TotalAlloc
}

func TestStageMemoryIsConstant(t *testing.T) {
	s, _ := testStore(t)
	const size = 50 << 20
	var st *Staged
	var err error
	peak, total := peakHeapGrowth(func() {
		st, err = s.Stage(t.Context(), &stream{left: size}, size)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Discard()
	if st.Size != size {
		t.Fatalf("staged %d bytes, want %d", st.Size, size)
	}
	t.Logf("staging 50 MiB: peak heap growth %d KiB, %d KiB allocated in all", peak>>10, total>>10)
	// Reading the upload into memory would allocate at least 50 MiB.
	if total > 4<<20 {
		t.Errorf("staging 50 MiB allocated %d KiB", total>>10)
	}
}

func BenchmarkStage50MB(b *testing.B) {
	s, _ := testStore(b)
	const size = 50 << 20
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		st, err := s.Stage(b.Context(), &stream{left: size}, size)
		if err != nil {
			b.Fatal(err)
		}
		st.Discard()
	}
}

// At shutdown, uploads that outlived the drain are abandoned: their staged
// files go at once, whether staged whole or still being written, instead of
// waiting a day for the sweeper; a Stage that starts afterwards is refused
// and leaves nothing.
func TestDiscardStagedAtShutdown(t *testing.T) {
	s, _ := testStore(t)
	done, err := s.Stage(t.Context(), bytes.NewReader(randomBytes(3000, 7)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := s.Stage(t.Context(), bytes.NewReader(randomBytes(3000, 8)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kept.Discard()
	// An upload whose client is still sending: Stage blocks on the body.
	body, client := io.Pipe()
	staging := make(chan error, 1)
	go func() {
		_, err := s.Stage(context.Background(), body, 1<<20)
		staging <- err
	}()
	if _, err := client.Write(randomBytes(2000, 9)); err != nil {
		t.Fatal(err)
	}
	if got := files(t, s.tmpDir); len(got) != 2 {
		t.Fatalf("temp folder before shutdown: %v, want the staged file and the one being written", got)
	}

	if n := s.DiscardStaged(); n != 2 {
		t.Errorf("DiscardStaged removed %d files, want 2", n)
	}
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left at shutdown: %v", got)
	}
	// The upload ends later; whatever it does, it leaves nothing behind.
	client.Close()
	<-staging
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left after the abandoned upload ended: %v", got)
	}
	if err := s.Commit(t.Context(), done); err == nil {
		t.Error("Commit of a file discarded at shutdown succeeded")
	}
	done.Discard()
	if _, err := s.Stage(t.Context(), bytes.NewReader(randomBytes(100, 10)), 1<<20); !errors.Is(err, ErrClosed) {
		t.Errorf("Stage after shutdown: %v, want ErrClosed", err)
	}
	if got := files(t, s.tmpDir); len(got) != 0 {
		t.Errorf("temp files left by a Stage after shutdown: %v", got)
	}
}

// Close discards what is still staged, as DiscardStaged does.
func TestCloseDiscardsStaged(t *testing.T) {
	root := t.TempDir()
	s, err := Open(t.Context(), "file://"+filepath.Join(root, "files"), filepath.Join(root, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stage(t.Context(), bytes.NewReader(randomBytes(3000, 11)), 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := files(t, filepath.Join(root, "tmp")); len(got) != 0 {
		t.Errorf("temp files left after Close: %v", got)
	}
}
