// Package blob stores uploaded files by their SHA-256: in a local folder by
// default, in a bucket of an S3-compatible service (through minio-go) when
// several instances share the files.
package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gabriel-vasile/mimetype"
)

var (
	// ErrTooLarge is returned by Stage when the stream exceeds maxBytes.
	ErrTooLarge = errors.New("file too large")
	// ErrNotFound is returned by Open for a hash that is not stored or not a hash.
	ErrNotFound = errors.New("file not found")
	// ErrClosed is returned by Stage once the store shuts down.
	ErrClosed = errors.New("file store closed")
)

// headLen is how much of the start of a file is kept for sniffing: mimetype
// looks at the first 4 KiB, officeZip further.
const headLen = 64 << 10

// MinGrace is the shortest grace Sweep accepts, so that a mistake in its
// setting cannot delete files whose row is being committed.
const MinGrace = time.Minute

// stagePrefix names temp files in tmpDir, so that Sweep only removes its own.
const stagePrefix = "stage-"

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// IsHash reports whether s is a SHA-256 in lowercase hex, the name of a
// stored file.
func IsHash(s string) bool { return hexSHA256.MatchString(s) }

// Store is a content-addressed file store. It is safe for concurrent use.
type Store struct {
	bucket backend
	tmpDir string
	// dir is the folder of file:// stores, where the sweep also removes
	// the temp files of writes cut by a crash.
	dir string

	// mu guards staged, the staging files neither committed nor discarded
	// yet, and closed, set when DiscardStaged has removed them for good.
	mu     sync.Mutex
	staged map[string]struct{}
	closed bool
}

// Open opens the store at rawURL: "file:///absolute/folder" (created if
// missing) or "s3://bucket?region=…&endpoint=…&use_path_style=true". tmpDir is
// a local folder for staging uploads, created if missing.
func Open(ctx context.Context, rawURL, tmpDir string) (*Store, error) {
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: temp folder: %w", err)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blob: invalid URL %q: %w", rawURL, err)
	}
	s := &Store{tmpDir: tmpDir, staged: map[string]struct{}{}}
	switch u.Scheme {
	case "file":
		if u.Host != "" || !filepath.IsAbs(u.Path) || u.RawQuery != "" {
			return nil, fmt.Errorf("blob: %q: expected file:///absolute/folder", rawURL)
		}
		s.dir = filepath.Clean(u.Path)
		if err := os.MkdirAll(s.dir, dirMode); err != nil {
			return nil, fmt.Errorf("blob: open %q: %w", rawURL, err)
		}
		s.bucket = folder{dir: s.dir}
	case "s3":
		s.bucket, err = openS3(u)
		if err != nil {
			return nil, fmt.Errorf("blob: open %q: %w", rawURL, err)
		}
	default:
		return nil, fmt.Errorf("blob: %q: unsupported scheme (file:// or s3://)", rawURL)
	}
	return s, nil
}

// Close discards the files still staged (see DiscardStaged).
func (s *Store) Close() error {
	s.DiscardStaged()
	return nil
}

// DiscardStaged removes every staging file that is neither committed nor
// discarded yet, including one still being written, and makes later Stage
// calls fail with ErrClosed; it returns how many it removed. The server
// calls it once it stops serving: an upload that outlasted the shutdown's
// drain would otherwise leave its file for the sweeper, a day later.
func (s *Store) DiscardStaged() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	n := 0
	for path := range s.staged {
		if os.Remove(path) == nil {
			n++
		}
		delete(s.staged, path)
	}
	return n
}

// createStaging creates a staging file and records it, unless the store
// has shut down: both under the lock, so that DiscardStaged misses none.
func (s *Store) createStaging() (*os.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	f, err := os.CreateTemp(s.tmpDir, stagePrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("blob: stage: %w", err)
	}
	s.staged[f.Name()] = struct{}{}
	return f, nil
}

// stillStaged reports whether path is still recorded, i.e. was not removed
// by DiscardStaged.
func (s *Store) stillStaged(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.staged[path]
	return ok
}

func (s *Store) forget(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.staged, path)
}

// Staged is an upload written to a local temp file, hashed and sniffed, but
// not yet in the store.
type Staged struct {
	SHA256 string // lowercase hex
	Size   int64
	// MediaType is sniffed from the content, without parameters, e.g. "application/pdf".
	MediaType string
	path      string
	store     *Store
}

// Stage streams r to a temp file while hashing, counting and sniffing it,
// using constant memory whatever its size. Beyond maxBytes it returns
// ErrTooLarge and leaves nothing behind. The caller must Discard the result.
func (s *Store) Stage(ctx context.Context, r io.Reader, maxBytes int64) (*Staged, error) {
	f, err := s.createStaging()
	if err != nil {
		return nil, err
	}
	st := &Staged{path: f.Name(), store: s}
	h := sha256.New()
	head := &headBuffer{b: make([]byte, 0, headLen)}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(ctxReader{ctx, r}, maxBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		err = fmt.Errorf("blob: stage: %w", err)
	case n > maxBytes:
		err = ErrTooLarge
	case !s.stillStaged(st.path):
		// Discarded by a shutdown while it was being written.
		err = ErrClosed
	}
	if err != nil {
		st.Discard()
		return nil, err
	}
	st.SHA256 = hex.EncodeToString(h.Sum(nil))
	st.Size = n
	st.MediaType = sniff(head.b)
	return st, nil
}

// sniff returns the media type of a file that starts with head, without
// parameters such as "; charset=utf-8".
func sniff(head []byte) string {
	m := mimetype.Detect(head)
	if m.Is("application/zip") {
		if t := officeZip(head); t != "" {
			return t
		}
	}
	t, _, _ := strings.Cut(m.String(), ";")
	return strings.TrimSpace(t)
}

// ooxmlParts are the folders of the main part of each OOXML format.
var ooxmlParts = []struct{ folder, mediaType string }{
	{"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

// officeZip recognises an OOXML file that mimetype took for a plain ZIP
// because its main part comes after the first 4 KiB (Office can put a preview
// picture first). It reads the names of the entries whose local header lies
// in head, and needs [Content_Types].xml and parts of a single format.
func officeZip(head []byte) string {
	var contentTypes bool
	found := ""
	for {
		i := bytes.Index(head, []byte("PK\x03\x04"))
		if i < 0 || len(head) < i+30 {
			break
		}
		nameLen := int(binary.LittleEndian.Uint16(head[i+26:]))
		head = head[i+30:]
		if len(head) < nameLen {
			break
		}
		name := string(head[:nameLen])
		head = head[nameLen:]
		contentTypes = contentTypes || name == "[Content_Types].xml"
		for _, p := range ooxmlParts {
			if strings.HasPrefix(name, p.folder) {
				if found != "" && found != p.mediaType {
					return ""
				}
				found = p.mediaType
			}
		}
	}
	if !contentTypes {
		return ""
	}
	return found
}

// Open reads the staged file back, for an upload that is parsed rather
// than kept (the observatory's CSV of figures, an imported draft text).
func (st *Staged) Open() (*os.File, error) { return os.Open(st.path) }

// Discard removes the temp file. It is idempotent.
func (st *Staged) Discard() {
	if st != nil && st.path != "" {
		os.Remove(st.path)
		if st.store != nil {
			st.store.forget(st.path)
		}
	}
}

// Commit stores the staged file under its content key, then removes the temp
// file. It is safe to call concurrently for the same content.
func (s *Store) Commit(ctx context.Context, st *Staged) error {
	if !IsHash(st.SHA256) {
		return fmt.Errorf("blob: commit: invalid hash %q", st.SHA256)
	}
	key := keyOf(st.SHA256)
	// Same content already stored: no upload, but its modification time is
	// refreshed so that a concurrent Sweep, which spares recent files, does
	// not delete it before the caller's row that refers to it is committed.
	touched, err := s.touch(ctx, key)
	if err != nil {
		return fmt.Errorf("blob: commit %s: %w", st.SHA256, err)
	}
	if !touched {
		f, err := os.Open(st.path)
		if err != nil {
			return fmt.Errorf("blob: commit %s: %w", st.SHA256, err)
		}
		defer f.Close()
		// Concurrent uploads of the same key are harmless: both write the
		// same bytes and each write is atomic (rename, or S3 PUT).
		if err := s.bucket.put(ctx, key, f, st.Size); err != nil {
			return fmt.Errorf("blob: commit %s: %w", st.SHA256, err)
		}
	}
	st.Discard()
	return nil
}

// touch sets the modification time of key to now and reports whether it
// exists.
func (s *Store) touch(ctx context.Context, key string) (bool, error) {
	err := s.bucket.touch(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Open returns a reader of the stored file, which can Seek, and its size.
func (s *Store) Open(ctx context.Context, hash string) (io.ReadSeekCloser, int64, error) {
	if !IsHash(hash) {
		return nil, 0, ErrNotFound
	}
	r, size, err := s.bucket.open(ctx, keyOf(hash))
	if errors.Is(err, ErrNotFound) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("blob: open %s: %w", hash, err)
	}
	return r, size, nil
}

// Exists reports whether content with this hash is stored.
func (s *Store) Exists(ctx context.Context, hash string) (bool, error) {
	if !IsHash(hash) {
		return false, nil
	}
	_, err := s.bucket.modTime(ctx, keyOf(hash))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: exists %s: %w", hash, err)
	}
	return true, nil
}

// Sweep deletes the stored files older than grace at now that referenced
// says nothing refers to, and returns how many it deleted. It cleans up
// after uploads whose database row was never committed; grace must be much
// longer than an upload takes; below MinGrace it is refused. now is the
// caller's clock (tests move it on: an S3 object's date cannot be set
// back). It also removes staging files older than grace.
func (s *Store) Sweep(ctx context.Context, now time.Time, grace time.Duration, referenced func(ctx context.Context, hash string) (bool, error)) (int, error) {
	if grace < MinGrace {
		return 0, fmt.Errorf("blob: sweep: grace %v is shorter than %v", grace, MinGrace)
	}
	s.sweepTemp(grace)
	deleted := 0
	err := s.bucket.list(ctx, "sha256/", func(key string, modTime time.Time) error {
		if now.Sub(modTime) < grace {
			return nil
		}
		sha := key[strings.LastIndexByte(key, '/')+1:]
		if !IsHash(sha) || key != keyOf(sha) {
			// A folder store's temp files, left by a crash mid-write.
			if s.dir != "" && strings.HasSuffix(key, ".tmp") {
				s.bucket.remove(ctx, key)
			}
			return nil
		}
		ref, err := referenced(ctx, sha)
		if err != nil || ref {
			return err
		}
		// Look again: a Commit of the same content may have touched it since
		// the listing, and its row may not be committed yet.
		modTime, err = s.bucket.modTime(ctx, key)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil || now.Sub(modTime) < grace {
			return err
		}
		err = s.bucket.remove(ctx, key)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err == nil {
			deleted++
		}
		return err
	})
	if err != nil {
		return deleted, fmt.Errorf("blob: sweep: %w", err)
	}
	return deleted, nil
}

// sweepTemp removes staging files left by a crash. Errors are ignored: the
// next sweep tries again.
func (s *Store) sweepTemp(grace time.Duration) {
	entries, _ := os.ReadDir(s.tmpDir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), stagePrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) >= grace {
			os.Remove(filepath.Join(s.tmpDir, e.Name()))
		}
	}
}

// Key is where the file of a hash lives in a store, e.g. in a backup's
// copy of it: "sha256/ab/cd/abcd…".
func Key(hash string) string { return keyOf(hash) }

// keyOf returns the key of a hash; the two levels of folders keep each
// folder of a file:// store small.
func keyOf(sha string) string {
	return "sha256/" + sha[:2] + "/" + sha[2:4] + "/" + sha
}

// headBuffer keeps the first cap(b) bytes written to it, for sniffing.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if n := cap(h.b) - len(h.b); n > 0 {
		h.b = append(h.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

// ctxReader stops a copy when ctx is done, e.g. when the client goes away.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
