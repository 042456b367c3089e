package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// bucket keeps files in an S3 bucket. The tests run it against a real S3
// server (SeaweedFS, internal/weedtest).
type bucket struct {
	client *minio.Client
	name   string
}

// s3Config is what an s3:// URL says.
type s3Config struct {
	bucket   string
	endpoint string // host[:port]
	secure   bool
	region   string
	lookup   minio.BucketLookupType
}

// parseS3URL reads "s3://bucket?region=…&endpoint=https://host&use_path_style=true"
// (also disable_https=true). Without an endpoint the bucket is on AWS;
// without a region, AWS_REGION, else the service's answer.
func parseS3URL(u *url.URL) (s3Config, error) {
	c := s3Config{bucket: u.Host, endpoint: "s3.amazonaws.com", secure: true, lookup: minio.BucketLookupDNS}
	if c.bucket == "" || (u.Path != "" && u.Path != "/") {
		return c, errors.New("expected s3://bucket?region=…")
	}
	q := u.Query()
	for k, v := range q {
		if len(v) != 1 {
			return c, fmt.Errorf("parameter %s given %d times", k, len(v))
		}
		switch k {
		case "region", "endpoint", "use_path_style", "disable_https":
		default:
			return c, fmt.Errorf("unknown parameter %s (region, endpoint, use_path_style, disable_https)", k)
		}
	}
	c.region = q.Get("region")
	if c.region == "" {
		c.region = os.Getenv("AWS_REGION")
	}
	boolParam := func(name string) (bool, error) {
		v := q.Get(name)
		if v == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("%s=%q: want true or false", name, v)
		}
		return b, nil
	}
	pathStyle, err := boolParam("use_path_style")
	if err != nil {
		return c, err
	}
	if pathStyle {
		c.lookup = minio.BucketLookupPath
	}
	noTLS, err := boolParam("disable_https")
	if err != nil {
		return c, err
	}
	if e := q.Get("endpoint"); e != "" {
		if !strings.Contains(e, "://") {
			e = "https://" + e
		}
		eu, err := url.Parse(e)
		if err != nil || eu.Host == "" || (eu.Path != "" && eu.Path != "/") || (eu.Scheme != "https" && eu.Scheme != "http") {
			return c, fmt.Errorf("endpoint %q: want https://host[:port]", q.Get("endpoint"))
		}
		c.endpoint, c.secure = eu.Host, eu.Scheme == "https"
	}
	if noTLS {
		c.secure = false
	}
	return c, nil
}

// openS3 builds the client without contacting the service: credentials and
// the bucket are checked by the first request. Credentials come as the AWS
// tools find them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the shared
// credentials file (AWS_PROFILE), or the instance's role.
func openS3(u *url.URL) (*bucket, error) {
	c, err := parseS3URL(u)
	if err != nil {
		return nil, err
	}
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.FileAWSCredentials{},
		&credentials.IAM{},
	})
	client, err := minio.New(c.endpoint, &minio.Options{Creds: creds, Secure: c.secure, Region: c.region, BucketLookup: c.lookup})
	if err != nil {
		return nil, err
	}
	return &bucket{client: client, name: c.bucket}, nil
}

func s3NotFound(err error) error {
	if code := minio.ToErrorResponse(err).Code; code == minio.NoSuchKey || code == "NotFound" {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func (b *bucket) put(ctx context.Context, key string, r io.Reader, size int64) error {
	// The bucket is never served directly; the portal sets the type.
	_, err := b.client.PutObject(ctx, b.name, key, r, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return err
}

// touch copies the object onto itself, which S3 only allows when it
// replaces the metadata: a new LastModified without moving the data.
func (b *bucket) touch(ctx context.Context, key string) error {
	_, err := b.client.CopyObject(ctx,
		minio.CopyDestOptions{Bucket: b.name, Object: key, ReplaceMetadata: true, ContentType: "application/octet-stream"},
		minio.CopySrcOptions{Bucket: b.name, Object: key})
	return s3NotFound(err)
}

func (b *bucket) open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error) {
	obj, err := b.client.GetObject(ctx, b.name, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, s3NotFound(err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, 0, s3NotFound(err)
	}
	// Its ReadAt makes one request per call: hidden, so that readers that
	// want random access copy the file once instead (see jobs.readerAt).
	return struct{ io.ReadSeekCloser }{obj}, info.Size, nil
}

func (b *bucket) modTime(ctx context.Context, key string) (time.Time, error) {
	info, err := b.client.StatObject(ctx, b.name, key, minio.StatObjectOptions{})
	if err != nil {
		return time.Time{}, s3NotFound(err)
	}
	return info.LastModified, nil
}

// remove succeeds on a missing key, as S3 does.
func (b *bucket) remove(ctx context.Context, key string) error {
	return b.client.RemoveObject(ctx, b.name, key, minio.RemoveObjectOptions{})
}

func (b *bucket) list(ctx context.Context, prefix string, fn func(string, time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn stops early
	for obj := range b.client.ListObjects(ctx, b.name, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		if err := fn(obj.Key, obj.LastModified); err != nil {
			return err
		}
	}
	return ctx.Err()
}
