package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Objects is a plain store of named files in the same two kinds of place as
// Store, a folder or an S3 bucket, for archives such as backups: the caller
// names each file, where Store names them by their content.
type Objects struct {
	b      backend
	prefix string // "" or "folder/" in the bucket
	where  string // for messages
}

// OpenObjects opens a folder ("/abs/folder", "relative/folder",
// "file:///abs/folder", created if missing) or a bucket with an optional
// folder in it ("s3://bucket/folder?region=…&endpoint=…", as for Open).
// Nothing is contacted yet.
func OpenObjects(rawURL string) (*Objects, error) {
	if !strings.Contains(rawURL, "://") {
		abs, err := filepath.Abs(rawURL)
		if err != nil {
			return nil, err
		}
		rawURL = "file://" + abs
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %w", rawURL, err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" || !filepath.IsAbs(u.Path) || u.RawQuery != "" {
			return nil, fmt.Errorf("%q: expected file:///absolute/folder", rawURL)
		}
		dir := filepath.Clean(u.Path)
		if err := os.MkdirAll(dir, dirMode); err != nil {
			return nil, err
		}
		return &Objects{b: folder{dir: dir}, where: dir}, nil
	case "s3":
		prefix := strings.Trim(u.Path, "/")
		if prefix != "" {
			prefix += "/"
		}
		bare := *u
		bare.Path = ""
		b, err := openS3(&bare)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", rawURL, err)
		}
		return &Objects{b: b, prefix: prefix, where: "s3://" + u.Host + "/" + prefix}, nil
	}
	return nil, fmt.Errorf("%q: unsupported scheme (a folder, file:// or s3://)", rawURL)
}

// String says where the objects are, without the URL's parameters.
func (o *Objects) String() string { return o.where }

func checkKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || path.Clean(key) != key || strings.HasPrefix(key, "../") || key == ".." {
		return fmt.Errorf("invalid object name %q", key)
	}
	return nil
}

// Put stores size bytes of r under key, whole or not at all.
func (o *Objects) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return o.b.put(ctx, o.prefix+key, r, size)
}

// Open returns a reader of key and its size; a missing key gives ErrNotFound.
func (o *Objects) Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	r, size, err := o.b.open(ctx, o.prefix+key)
	if errors.Is(err, ErrNotFound) {
		return nil, 0, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return r, size, err
}
