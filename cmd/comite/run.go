package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/blob"
	"comite/internal/config"
	"comite/internal/dbmigrate"
	"comite/internal/jobs"
	"comite/internal/localpg"
	"comite/internal/mail"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/seed"
	"comite/internal/server"
	"comite/internal/store"
)

// usageError is a mistake in the command line; main exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: comite <command> [flags]

commands:
  dev                 serve the portal on the embedded PostgreSQL with the demo committee
                      (--instances N: N comite serve processes behind a round-robin proxy)
  serve               serve the portal (DATABASE_URL, or the embedded cluster of --data)
  migrate up          apply the migrations
  migrate down N      revert the last N migrations
  migrate version     print the applied migration version
  migrate force V     mark version V as applied and clean (after a manual repair)
  seed                load the demo committee and create the demo accounts
  generate            add a large synthetic committee (performance tests; once per database)
  user add            create an account; the password is read from standard input
  backup --to T       write a dated archive (database dump and files, SHA-256 manifest) to a folder or s3://
  restore --from A    rebuild an empty database and file store from an archive, checking every sum

Run "comite <command> -h" for the flags of a command.`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		// A bad setting is a mistake in how the command was called: status 2.
		return usageError{err.Error()}
	}
	log := newLogger(cfg, stdout)
	switch args[0] {
	case "dev":
		return cmdServe(ctx, cfg, log, args[1:], stdout, true)
	case "serve":
		return cmdServe(ctx, cfg, log, args[1:], stdout, false)
	case "migrate":
		return cmdMigrate(ctx, cfg, log, args[1:], stdout)
	case "seed":
		return cmdSeed(ctx, cfg, log, args[1:], stdout)
	case "generate":
		return cmdGenerate(ctx, cfg, log, args[1:], stdout)
	case "backup":
		return cmdBackup(ctx, cfg, log, args[1:], stdout)
	case "restore":
		return cmdRestore(ctx, cfg, log, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return usageError{"usage: comite user add --email E --name N --role secretariat|pilot|member [--body ID]"}
		}
		return cmdUserAdd(ctx, cfg, log, args[2:], stdin, stdout)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n\n%s", args[0], usage)}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// newFlags returns a flag set that reports errors instead of exiting, with
// the --data flag every command shares.
func newFlags(name string, cfg *config.Config, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "folder of the embedded PostgreSQL cluster and demo files (used when DATABASE_URL is empty)")
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usageError{"help requested"}
		}
		return usageError{err.Error()}
	}
	return nil
}

// database is an opened database: its URL, a pool, and how to let go of it.
type database struct {
	url     string
	pool    *pgxpool.Pool
	cluster *localpg.Cluster
}

// openDatabase connects to DATABASE_URL, or starts (or reuses) the embedded
// cluster of the data folder, then applies the migrations.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool) (*database, error) {
	db := &database{url: cfg.DatabaseURL}
	if db.url == "" {
		c, err := localpg.Start(ctx, cfg.DataDir, log)
		if err != nil {
			return nil, err
		}
		db.cluster = c
		if err := c.EnsureDatabase(ctx, "comite"); err != nil {
			db.close()
			return nil, err
		}
		db.url = c.URL("comite")
	}
	if migrate {
		if err := dbmigrate.Up(db.url); err != nil {
			db.close()
			return nil, err
		}
	}
	pool, err := connect(ctx, db.url)
	if err != nil {
		db.close()
		return nil, err
	}
	db.pool = pool
	if migrate {
		if err := renderMissing(ctx, db, log); err != nil {
			db.close()
			return nil, err
		}
	}
	return db, nil
}

// renderMissing stores, once migrations have run, the HTML of the texts
// saved before it was stored with them (remarks and dissenting positions,
// migration 12): the markdown renderer is Go, not SQL.
func renderMissing(ctx context.Context, db *database, log *slog.Logger) error {
	n, err := store.New(db.pool).RenderMissingHTML(ctx, markdown.Limited)
	if n > 0 {
		log.Info("rendered texts saved before their HTML was stored", "count", n)
	}
	return err
}

// asyncCommitPool is a pool like main whose transactions commit without
// waiting for the WAL flush, for the session writes of every signed-in
// request (server.SetSessionPool). Config returns a deep copy: setting a
// parameter in it leaves main's untouched.
func asyncCommitPool(ctx context.Context, main *pgxpool.Pool) (*pgxpool.Pool, error) {
	pcfg := main.Config()
	pcfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	return pgxpool.NewWithConfig(ctx, pcfg)
}

// connect opens a pool and waits for the database to answer: pgxpool does
// not connect at creation, and a database that starts with us may need a moment.
func connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL invalide : %w", err)
	}
	pcfg.MaxConns = 20
	pcfg.HealthCheckPeriod = 15 * time.Second
	pcfg.ConnConfig.ConnectTimeout = 5 * time.Second
	// The portal's queries are short and bounded: PostgreSQL's JIT, which
	// starts above a cost estimate, spent 100 to 200 ms compiling queries
	// that run in a few (docs/queries.md).
	pcfg.ConnConfig.RuntimeParams["jit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		err = pool.Ping(pctx)
		cancel()
		if err == nil {
			return pool, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			pool.Close()
			return nil, fmt.Errorf("la base de données ne répond pas : %w", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (db *database) close() {
	if db.pool != nil {
		db.pool.Close()
	}
	if db.cluster != nil {
		_ = db.cluster.Stop()
	}
}

// errNoBaseURL is why comite serve will not start without COMITE_BASE_URL.
const errNoBaseURL = "COMITE_BASE_URL manquant : comite serve a besoin de l'adresse publique du portail " +
	"(exemple : COMITE_BASE_URL=https://comite.example.fr), d'où sont construits les liens des courriels, " +
	"du flux d'actualités, des agendas et des exports"

func cmdServe(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer, dev bool) error {
	fs := newFlags(map[bool]string{true: "dev", false: "serve"}[dev], &cfg, stdout)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on")
	instances := 1
	if dev {
		fs.IntVar(&instances, "instances", 1, "run this many `comite serve` processes behind a round-robin proxy on --addr (a demonstration of several instances)")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if instances < 1 || instances > 16 {
		return usageError{"--instances must be between 1 and 16"}
	}
	if dev && cfg.DatabaseURL != "" {
		return usageError{"comite dev uses the embedded cluster: unset DATABASE_URL, or use comite serve"}
	}
	if !dev && cfg.BaseURL == "" {
		return usageError{errNoBaseURL}
	}
	started := time.Now()
	db, err := openDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.close()
	st := store.New(db.pool)
	files, err := openFiles(ctx, cfg)
	if err != nil {
		return err
	}
	defer files.Close()
	if dev {
		if err := loadDemo(ctx, st, files, cfg.DataDir, stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("écoute sur %s impossible : %w", cfg.Addr, err)
	}
	// Serving closes ln; this frees the port when starting fails before.
	defer ln.Close()
	if cfg.BaseURL == "" {
		// comite dev: links point at the address it listens on (the real
		// port when --addr asks for any).
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	if instances > 1 {
		return serveInstances(ctx, cfg, db.url, instances, ln, log, stdout)
	}
	runner, err := newRunner(db, st, files, cfg, log)
	if err != nil {
		return err
	}
	srv := server.New(cfg, log, st)
	srv.SetDocuments(files, runner)
	sessionPool, err := asyncCommitPool(ctx, db.pool)
	if err != nil {
		return err
	}
	defer sessionPool.Close()
	srv.SetSessionPool(sessionPool)
	if err := srv.ScheduleMaintenance(runner); err != nil {
		return err
	}
	stopJobs, err := startJobs(ctx, runner, log)
	if err != nil {
		return err
	}
	defer stopJobs()
	// The cache of signed-out pages listens on a connection of its own,
	// closed before the database is.
	watchCtx, stopWatching := context.WithCancel(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		srv.WatchPublicChanges(watchCtx)
	}()
	defer func() {
		stopWatching()
		<-watching
	}()

	fmt.Fprintf(stdout, "Portail prêt en %s : http://%s/\n", time.Since(started).Round(time.Millisecond), ln.Addr())
	// Uploads still running when serving stops are abandoned: their staged
	// files go now rather than at the sweep, a day later.
	abandon := func() {
		if n := files.DiscardStaged(); n > 0 {
			log.Info("removed the staged files of unfinished uploads", "count", n)
		}
	}
	return serveUntilDone(ctx, newHTTPServer(srv.Handler(), log), ln, srv.Drain, abandon, log)
}

// newRunner prepares the background work, all on river: text extraction,
// mail delivery (a job per mail, inserted with it) and, once the server
// schedules it, the periodic maintenance.
func newRunner(db *database, st *store.Store, files *blob.Store, cfg config.Config, log *slog.Logger) (*jobs.Runner, error) {
	runner, err := jobs.New(db.pool, st, files, log)
	if err != nil {
		return nil, err
	}
	st.OnMailQueued(runner.EnqueueMailTx)
	if cfg.SMTP.Host == "" {
		log.Info("no SMTP server configured: mails stay in the outbox (/admin/outbox)")
		return runner, nil
	}
	return runner, runner.DeliverMail(mail.NewSMTP(cfg.SMTP))
}

// startJobs starts the runner. The returned stop must run before the pool
// closes, so that a mail being sent gets its result recorded: the jobs live
// on after ctx ends, until stop.
func startJobs(ctx context.Context, runner *jobs.Runner, log *slog.Logger) (stop func(), err error) {
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	if err := runner.Start(runCtx); err != nil {
		cancelRun()
		return nil, err
	}
	return func() {
		defer cancelRun()
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			log.Warn("stop background jobs", "err", err)
		}
	}, nil
}

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of large files
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// shutdownGrace is how long the requests in flight get to finish at shutdown.
var shutdownGrace = 30 * time.Second

// serveUntilDone serves on ln until ctx ends, then stops taking new
// connections and lets the requests in flight finish (shutdownGrace at
// most); past it, their connections are closed. Either way it calls
// stopped once serving is over.
func serveUntilDone(ctx context.Context, httpServer *http.Server, ln net.Listener, drain, stopped func(), log *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	drain()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := httpServer.Shutdown(shutdownCtx)
	if err != nil {
		// Requests still running lose their connection.
		httpServer.Close()
	}
	stopped()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openFiles opens the blob store of uploaded files: COMITE_BLOB_URL, or a
// files/ folder in the data folder.
func openFiles(ctx context.Context, cfg config.Config) (*blob.Store, error) {
	data, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	url := blobURL(cfg, data)
	files, err := blob.Open(ctx, url, filepath.Join(data, "tmp"))
	if err != nil {
		return nil, fmt.Errorf("stockage des fichiers (%s) : %w", url, err)
	}
	return files, nil
}

// blobURL is the URL of the file store: COMITE_BLOB_URL, or the files/
// folder of data, the absolute data folder.
func blobURL(cfg config.Config, data string) string {
	if cfg.BlobURL != "" {
		return cfg.BlobURL
	}
	return "file://" + filepath.Join(data, "files")
}

// loadDemo loads the demo committee on the first start, and prints the demo
// accounts, whose passwords are generated once and kept in the data folder.
func loadDemo(ctx context.Context, st *store.Store, files *blob.Store, dataDir string, stdout io.Writer) error {
	if err := seed.Committee(ctx, st); err != nil {
		return err
	}
	// The demo article's attachment is a file: it needs the file store.
	if err := seed.News(ctx, st, files); err != nil {
		return err
	}
	file := filepath.Join(dataDir, "demo-accounts.txt")
	_, statErr := os.Stat(file)
	created, err := seed.Accounts(ctx, st, errors.Is(statErr, os.ErrNotExist))
	if err != nil {
		return err
	}
	// Comments need their authors' accounts.
	if err := seed.Comments(ctx, st, time.Now()); err != nil {
		return err
	}
	if err := seed.DraftTexts(ctx, st, time.Now()); err != nil {
		return err
	}
	if len(created) > 0 {
		var b strings.Builder
		b.WriteString("Comptes de démonstration (mots de passe générés au premier démarrage)\n")
		for _, c := range created {
			fmt.Fprintf(&b, "  %-12s %-36s %s   (%s)\n", c.Role, c.Email, c.Password, c.Body)
		}
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", file, err)
		}
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "\n%s(liste conservée dans %s)\n\n", text, file)
	return nil
}

func cmdMigrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("migrate", &cfg, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usageError{"usage: comite migrate up | down N | version | force V"}
	}
	number := func() (int, error) {
		if len(rest) != 2 {
			return 0, usageError{fmt.Sprintf("comite migrate %s needs a number", rest[0])}
		}
		n, err := strconv.Atoi(rest[1])
		if err != nil || n < 0 {
			return 0, usageError{fmt.Sprintf("%q is not a valid number", rest[1])}
		}
		return n, nil
	}
	var n int
	switch rest[0] {
	case "up", "version":
		if len(rest) != 1 {
			return usageError{fmt.Sprintf("comite migrate %s takes no argument", rest[0])}
		}
	case "down", "force":
		var err error
		if n, err = number(); err != nil {
			return err
		}
	default:
		return usageError{fmt.Sprintf("unknown migrate action %q: up, down N, version or force V", rest[0])}
	}
	db, err := openDatabase(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.close()
	switch rest[0] {
	case "up":
		if err = dbmigrate.Up(db.url); err == nil {
			err = renderMissing(ctx, db, log)
		}
	case "down":
		err = dbmigrate.Down(db.url, n)
	case "force":
		err = dbmigrate.Force(db.url, n)
	}
	if err != nil {
		return err
	}
	v, dirty, err := dbmigrate.Version(db.url)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "version %d", v)
	if dirty {
		fmt.Fprint(stdout, " (dirty)")
	}
	fmt.Fprintln(stdout)
	return nil
}

func cmdSeed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("seed", &cfg, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.close()
	st := store.New(db.pool)
	if err := seed.Committee(ctx, st); err != nil {
		return err
	}
	files, err := openFiles(ctx, cfg)
	if err != nil {
		return err
	}
	defer files.Close()
	if err := seed.News(ctx, st, files); err != nil {
		return err
	}
	created, err := seed.Accounts(ctx, st, false)
	if err != nil {
		return err
	}
	if err := seed.Comments(ctx, st, time.Now()); err != nil {
		return err
	}
	if err := seed.DraftTexts(ctx, st, time.Now()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Comité de démonstration chargé.")
	for _, c := range created {
		fmt.Fprintf(stdout, "  compte créé : %-12s %-36s %s\n", c.Role, c.Email, c.Password)
	}
	return nil
}

func cmdUserAdd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("user add", &cfg, stdout)
	email := fs.String("email", "", "e-mail address used to sign in (required)")
	name := fs.String("name", "", "name shown on the portal (required)")
	role := fs.String("role", "", "secretariat, pilot or member (required)")
	body := fs.Int64("body", 0, "id of the member body (required for pilot and member)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var problems []string
	if !strings.Contains(*email, "@") {
		problems = append(problems, "--email must be an e-mail address")
	}
	if strings.TrimSpace(*name) == "" {
		problems = append(problems, "--name is required")
	}
	r := model.Role(*role)
	if !r.Valid() {
		problems = append(problems, "--role must be secretariat, pilot or member")
	}
	if r != model.RoleSecretariat && *body <= 0 {
		problems = append(problems, "--body is required for pilot and member accounts")
	}
	if len(problems) > 0 {
		return usageError{strings.Join(problems, "\n")}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if problem := password.Problem(pw, *email); problem != "" {
		return errors.New(problem)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.close()
	st := store.New(db.pool)
	var id int64
	err = st.InTx(ctx, func(tx *store.Store) error {
		if *body > 0 {
			if _, err := tx.Body(ctx, *body); err != nil {
				return fmt.Errorf("--body %d: no such body", *body)
			}
		}
		var err error
		id, err = tx.CreateAccount(ctx, store.NewAccount{Email: *email, DisplayName: strings.TrimSpace(*name),
			PasswordHash: hash, Role: r, BodyID: *body})
		if errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("an account with e-mail %s already exists", store.NormalizeEmail(*email))
		}
		if err != nil {
			return err
		}
		return tx.Record(ctx, store.Audit{Action: "account.create", ObjectType: "account", ObjectID: id,
			Detail: map[string]any{"by": "cli", "role": r}})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "account %d created: %s (%s)\n", id, store.NormalizeEmail(*email), r)
	return nil
}
