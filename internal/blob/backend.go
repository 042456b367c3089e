package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// backend is where stored files live: a local folder or an S3 bucket. Keys
// are slash-separated paths. Missing keys give ErrNotFound.
type backend interface {
	// put stores size bytes of r under key, atomically: a reader sees the
	// whole file or none.
	put(ctx context.Context, key string, r io.Reader, size int64) error
	// touch sets the modification time of key to now.
	touch(ctx context.Context, key string) error
	// open returns a reader that can Seek, and the size.
	open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error)
	modTime(ctx context.Context, key string) (time.Time, error)
	remove(ctx context.Context, key string) error
	// list calls fn with every key under prefix and its modification
	// time, and stops at fn's first error.
	list(ctx context.Context, prefix string, fn func(key string, modTime time.Time) error) error
}

const (
	dirMode  = 0o750
	fileMode = 0o640
)

// folder keeps files under dir, a key's slashes making subfolders.
type folder struct{ dir string }

func (f folder) path(key string) string { return filepath.Join(f.dir, filepath.FromSlash(key)) }

func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	return err
}

// put writes a temp file beside the final one and renames it, then flushes
// the file and the folders leading to it: the row that refers to the file
// is committed right after, and a power cut must not leave it pointing to
// nothing. A crash leaves the temp file (name ending in .tmp) for the sweep.
func (f folder) put(ctx context.Context, key string, r io.Reader, _ int64) error {
	path := f.path(key)
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, ctxReader{ctx, r})
	if err == nil {
		err = tmp.Chmod(fileMode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return f.syncFolders(key)
}

// syncFolders flushes the folders from key's up to the store's.
func (f folder) syncFolders(key string) error {
	for p := filepath.Dir(f.path(key)); ; p = filepath.Dir(p) {
		d, err := os.Open(p)
		if err != nil {
			return err
		}
		err = d.Sync()
		d.Close()
		if err != nil || p == f.dir {
			return err
		}
	}
}

func (f folder) touch(_ context.Context, key string) error {
	now := time.Now()
	return notFound(os.Chtimes(f.path(key), now, now))
}

func (f folder) open(_ context.Context, key string) (io.ReadSeekCloser, int64, error) {
	file, err := os.Open(f.path(key))
	if err != nil {
		return nil, 0, notFound(err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, 0, err
	}
	return file, info.Size(), nil
}

func (f folder) modTime(_ context.Context, key string) (time.Time, error) {
	info, err := os.Stat(f.path(key))
	if err != nil {
		return time.Time{}, notFound(err)
	}
	return info.ModTime(), nil
}

func (f folder) remove(_ context.Context, key string) error {
	return notFound(os.Remove(f.path(key)))
}

func (f folder) list(ctx context.Context, prefix string, fn func(string, time.Time) error) error {
	root := f.path(prefix)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // nothing stored yet, or removed meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(f.dir, path)
		if err != nil {
			return fmt.Errorf("list %s: %w", path, err)
		}
		return fn(filepath.ToSlash(rel), info.ModTime())
	})
	return err
}
