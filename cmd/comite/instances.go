package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"comite/internal/config"
	"comite/internal/instances"
)

// serveInstances is `comite dev --instances N`: the demonstration of
// several instances on one machine. This process keeps the embedded
// cluster and the demo data it prepared, starts N `comite serve`
// processes on it (sharing the files folder, or COMITE_BLOB_URL) and
// spreads requests over them from ln, as nginx would in production.
func serveInstances(ctx context.Context, cfg config.Config, dbURL string, n int, ln net.Listener, log *slog.Logger, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	filesURL := blobURL(cfg, data)
	var children []*exec.Cmd
	var exited []chan struct{}
	stopAll := func() {
		for i, c := range children {
			c.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited[i]:
			case <-time.After(shutdownGrace + 10*time.Second):
				c.Process.Kill()
				<-exited[i]
			}
		}
	}
	var addrs []string
	for i := range n {
		c := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(data, fmt.Sprintf("instance-%d", i+1)))
		c.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "COMITE_BASE_URL="+cfg.BaseURL, "COMITE_BLOB_URL="+filesURL,
			"COMITE_TRUST_PROXY=true")
		// The demo's instances end with it, even if it is killed.
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
		out, err := c.StdoutPipe()
		if err != nil {
			stopAll()
			return err
		}
		c.Stderr = c.Stdout
		if err := c.Start(); err != nil {
			stopAll()
			return err
		}
		done := make(chan struct{})
		children, exited = append(children, c), append(exited, done)
		ready := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if m := instances.ReadyLine.FindStringSubmatch(sc.Text()); m != nil {
					ready <- m[2]
				}
				fmt.Fprintf(stdout, "[instance %d] %s\n", i+1, sc.Text())
			}
			c.Wait()
			close(done)
		}()
		select {
		case addr := <-ready:
			addrs = append(addrs, addr)
		case <-done:
			stopAll()
			return fmt.Errorf("instance %d stopped before it was ready", i+1)
		case <-ctx.Done():
			stopAll()
			return nil
		}
	}
	proxy := instances.Proxy(instances.NewBalancer(addrs, http.DefaultTransport), slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	fmt.Fprintf(stdout, "Portail prêt : http://%s/ répartit les requêtes entre %d instances (%v)\n", ln.Addr(), n, addrs)
	err = serveUntilDone(ctx, newHTTPServer(proxy, log), ln, func() {}, stopAll, log)
	return err
}
