// Package weedtest runs a private SeaweedFS server with its S3 gateway for
// tests, the way internal/localpg runs PostgreSQL: loopback ports, its own
// temp folder, stopped at the end. The tests of the file store, the
// documents, the backups and the several instances run against it, so that
// the S3 path meets a real S3 server.
//
// The weed binary is built once from the module proxy's copy of SeaweedFS
// by `make weed` (mk/weed.sh), which `make test` runs; where it is missing
// the tests that need it skip and say how to get it.
package weedtest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Version is the SeaweedFS module version mk/weed.sh builds.
const Version = "v0.0.0-20261109003541-7506e5f91cd6"

// Credentials of the one S3 identity the test server knows. They are set in
// the environment of the test process (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY), where blob.Open finds them as in production.
const (
	AccessKey = "comite-test"
	SecretKey = "comite-test-secret-key"
)

// Binary returns the path of the weed binary: $COMITE_WEED, or where
// mk/weed.sh puts it, $XDG_CACHE_HOME (or ~/.cache)/comite-weed-<Version>/weed.
func Binary() (string, error) {
	path := os.Getenv("COMITE_WEED")
	if path == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		path = filepath.Join(cache, "comite-weed-"+Version, "weed")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("SeaweedFS binary not found at %s: run `make weed` (builds SeaweedFS %s from the Go module proxy, a few minutes once) or set COMITE_WEED", path, Version)
	}
	return path, nil
}

// Server is a running SeaweedFS ("weed mini": master, volume, filer and S3
// gateway in one process).
type Server struct {
	// Endpoint is the S3 gateway's address, host:port on 127.0.0.1.
	Endpoint string
	cmd      *exec.Cmd
	dir      string
	exited   chan struct{}
	client   *minio.Client
	buckets  atomic.Int64
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the server of this test binary, started at the first call;
// it skips t when the binary is missing and fails it when the server does
// not start. Call Stop from TestMain.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		var bin string
		bin, sharedErr = Binary()
		if sharedErr != nil {
			sharedErr = skipError{sharedErr}
			return
		}
		started := time.Now()
		shared, sharedErr = Start(bin)
		if sharedErr == nil {
			t.Logf("SeaweedFS %s ready in %s", Version, time.Since(started).Round(time.Millisecond))
			os.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
			os.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
		}
	})
	var skip skipError
	if errors.As(sharedErr, &skip) {
		t.Skip(skip.Error())
	}
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

type skipError struct{ error }

// Stop stops the shared server if one was started, and removes its folder.
func Stop() {
	if shared != nil {
		shared.Stop()
	}
}

// freePorts asks the kernel for n free loopback ports. Another process may
// take one before weed does; Start then fails with the server's words.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Start runs bin as `weed mini` in a new temp folder, on loopback ports,
// with one S3 identity, and waits until the S3 gateway answers.
func Start(bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "comite-weed-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, exited: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()
	config := map[string]any{"identities": []any{map[string]any{
		"name":        "comite",
		"credentials": []any{map[string]string{"accessKey": AccessKey, "secretKey": SecretKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}}
	b, _ := json.Marshal(config)
	configPath := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(configPath, b, 0o600); err != nil {
		return nil, err
	}
	ports, err := freePorts(9)
	if err != nil {
		return nil, err
	}
	p := func(i int) string { return strconv.Itoa(ports[i]) }
	s.Endpoint = "127.0.0.1:" + p(0)
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	s.cmd = exec.Command(bin, "mini", "-dir="+data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-s3.port="+p(0), "-s3.port.grpc="+p(1), "-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.config="+configPath,
		"-master.port="+p(2), "-master.port.grpc="+p(3), "-volume.port="+p(4), "-volume.port.grpc="+p(5),
		"-filer.port="+p(6), "-filer.port.grpc="+p(7), "-filer.localSocket="+filepath.Join(dir, "filer.sock"),
		"-s3.localSocket="+filepath.Join(dir, "s3.sock"),
		"-webdav=false", "-admin.ui=false", "-master.telemetry=false", "-master.volumeSizeLimitMB=64")
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Its own process group, so that Stop reaches whatever it started;
	// killed with the test binary if that dies without calling Stop (an
	// interrupted run, a panic).
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	s.client, err = minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""),
		Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		_, err = s.client.ListBuckets(attempt)
		cancelAttempt()
		if err == nil {
			break
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("SeaweedFS exited at start: %s", tail(filepath.Join(dir, "weed.log")))
		case <-ctx.Done():
			return nil, fmt.Errorf("SeaweedFS's S3 gateway did not answer within 90 s (%v): %s", err, tail(filepath.Join(dir, "weed.log")))
		case <-time.After(200 * time.Millisecond):
		}
	}
	ok = true
	return s, nil
}

// NewBucket creates a bucket of its own for t and returns the URL that
// blob.Open and COMITE_BLOB_URL take for it.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d-%s", s.buckets.Add(1), strings.ToLower(rand.Text()[:8]))
	if err := s.client.MakeBucket(t.Context(), name, minio.MakeBucketOptions{Region: "us-east-1"}); err != nil {
		t.Fatalf("weedtest: create bucket %s: %v", name, err)
	}
	return s.URL(name)
}

// URL is the s3:// address of bucket on this server.
func (s *Server) URL(bucket string) string {
	q := url.Values{"region": {"us-east-1"}, "endpoint": {"http://" + s.Endpoint}, "use_path_style": {"true"}}
	return "s3://" + bucket + "?" + q.Encode()
}

// Stop stops the server (SIGTERM, then SIGKILL after 10 s) and removes its
// folder.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.exited
		}
	}
	os.RemoveAll(s.dir)
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}
