// Package config reads the portal's settings from the environment, once, at
// start. Every setting has a default that suits `make run` on a laptop; the
// README lists them all.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Config holds every setting of the portal. It is built by Load and passed
// down explicitly: there is no global configuration.
type Config struct {
	// DatabaseURL (DATABASE_URL) is the PostgreSQL URL. Empty means the
	// embedded cluster under DataDir.
	DatabaseURL string
	// Addr (COMITE_ADDR) is the address the HTTP server listens on.
	Addr string
	// DataDir (COMITE_DATA) holds the embedded cluster and the demo accounts file.
	DataDir string
	// BaseURL (COMITE_BASE_URL) is the public address, used in e-mails and
	// feeds. An https:// address turns on Secure cookies and HSTS.
	BaseURL string
	// TLS is true when the portal is reached over HTTPS (directly or through a
	// TLS-terminating proxy). Derived from BaseURL unless COMITE_TLS is set.
	TLS bool
	// TrustProxy (COMITE_TRUST_PROXY) makes the client address come from the
	// last X-Forwarded-For entry; only set it behind a reverse proxy.
	TrustProxy bool
	// SessionIdle (COMITE_SESSION_IDLE) ends a session after this much inactivity.
	SessionIdle time.Duration
	// SessionLifetime (COMITE_SESSION_LIFETIME) ends a session after this long, active or not.
	SessionLifetime time.Duration
	// MaxFormBytes (COMITE_MAX_FORM_BYTES) limits the body of a form submission.
	MaxFormBytes int64
	// MetricsToken (COMITE_METRICS_TOKEN), when set, is the bearer token
	// /metrics requires; when empty /metrics answers loopback clients only.
	MetricsToken string
	// LogFormat (COMITE_LOG_FORMAT) is "text" or "json".
	LogFormat string
	// BlobURL (COMITE_BLOB_URL) is where uploaded files are stored:
	// file:///absolute/folder (default: the data folder's files/) or an
	// S3-compatible s3://bucket?region=…&endpoint=… URL.
	BlobURL string
	// MaxUploadBytes (COMITE_MAX_UPLOAD_BYTES) limits one uploaded file (default 50 MiB).
	MaxUploadBytes int64
	// PageCache (COMITE_PAGE_CACHE, default on) keeps the pages signed-out
	// visitors read in memory, invalidated by PostgreSQL notifications
	// (docs/operations.md); "off" builds every page on every request.
	PageCache bool
	// SMTP is the outgoing mail server; with an empty Host, mails stay in the
	// outbox (shown at /admin/outbox) instead of being sent.
	SMTP SMTP
}

// SMTP holds the outgoing mail settings.
type SMTP struct {
	// Host (COMITE_SMTP_HOST) is the SMTP server's name; empty means no sending.
	Host string
	// Port (COMITE_SMTP_PORT) defaults to 587.
	Port int
	// User and Password (COMITE_SMTP_USER, COMITE_SMTP_PASSWORD) authenticate with PLAIN when User is set.
	User, Password string
	// From (COMITE_SMTP_FROM) is the sender address.
	From string
	// StartTLS (COMITE_SMTP_STARTTLS, default true) requires STARTTLS before authenticating.
	StartTLS bool
}

// Load reads the configuration from getenv (os.Getenv in production, a map in tests).
func Load(getenv func(string) string) (Config, error) {
	c := defaults(getenv)
	e := envReader{getenv: getenv}
	e.duration("COMITE_SESSION_IDLE", &c.SessionIdle)
	e.duration("COMITE_SESSION_LIFETIME", &c.SessionLifetime)
	e.bool("COMITE_TRUST_PROXY", &c.TrustProxy)
	e.onOff("COMITE_PAGE_CACHE", &c.PageCache)
	e.bool("COMITE_SMTP_STARTTLS", &c.SMTP.StartTLS)
	e.port("COMITE_SMTP_PORT", &c.SMTP.Port)
	e.bytes("COMITE_MAX_FORM_BYTES", &c.MaxFormBytes)
	e.bytes("COMITE_MAX_UPLOAD_BYTES", &c.MaxUploadBytes)
	e.baseURL(c.BaseURL, &c.TLS)
	// Read last: it overrides what the base URL says.
	e.bool("COMITE_TLS", &c.TLS)
	if err := errors.Join(e.errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// defaults is the configuration with the plain text settings read and
// every other setting at its default.
func defaults(getenv func(string) string) Config {
	return Config{
		DatabaseURL:     getenv("DATABASE_URL"),
		Addr:            orDefault(getenv("COMITE_ADDR"), "127.0.0.1:8080"),
		DataDir:         orDefault(getenv("COMITE_DATA"), "./var"),
		BaseURL:         getenv("COMITE_BASE_URL"),
		MetricsToken:    getenv("COMITE_METRICS_TOKEN"),
		LogFormat:       orDefault(getenv("COMITE_LOG_FORMAT"), "text"),
		SessionIdle:     2 * time.Hour,
		SessionLifetime: 12 * time.Hour,
		MaxFormBytes:    1 << 20,
		BlobURL:         getenv("COMITE_BLOB_URL"),
		MaxUploadBytes:  50 << 20,
		PageCache:       true,
		SMTP: SMTP{
			Host:     getenv("COMITE_SMTP_HOST"),
			Port:     587,
			User:     getenv("COMITE_SMTP_USER"),
			Password: getenv("COMITE_SMTP_PASSWORD"),
			From:     orDefault(getenv("COMITE_SMTP_FROM"), "comite@localhost"),
			StartTLS: true,
		},
	}
}

// envReader reads typed settings into their fields, leaving a field at its
// default when its variable is empty. It collects the errors rather than
// stopping at the first, so that one start reports every wrong setting.
type envReader struct {
	getenv func(string) string
	errs   []error
}

func (e *envReader) duration(name string, dst *time.Duration) {
	if v := e.getenv(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			e.errs = append(e.errs, fmt.Errorf("%s: durée invalide %q (exemple : 2h, 30m)", name, v))
			return
		}
		*dst = d
	}
}

func (e *envReader) bool(name string, dst *bool) {
	if v := e.getenv(name); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s: valeur booléenne invalide %q (true ou false)", name, v))
			return
		}
		*dst = b
	}
}

// onOff reads a switch written on or off (or as a boolean).
func (e *envReader) onOff(name string, dst *bool) {
	switch v := e.getenv(name); v {
	case "":
	case "on":
		*dst = true
	case "off":
		*dst = false
	default:
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s: valeur invalide %q (on ou off)", name, v))
			return
		}
		*dst = b
	}
}

func (e *envReader) port(name string, dst *int) {
	if v := e.getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			e.errs = append(e.errs, fmt.Errorf("%s: port invalide %q", name, v))
			return
		}
		*dst = n
	}
}

// bytes reads a size limit, of at least 1 KiB.
func (e *envReader) bytes(name string, dst *int64) {
	if v := e.getenv(name); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			e.errs = append(e.errs, fmt.Errorf("%s: nombre d'octets invalide %q (au moins 1024)", name, v))
			return
		}
		*dst = n
	}
}

// baseURL checks the public address, when set, and sets tls from its
// scheme.
func (e *envReader) baseURL(base string, tls *bool) {
	if base == "" {
		return
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		e.errs = append(e.errs, fmt.Errorf("COMITE_BASE_URL: adresse invalide %q (exemple : https://comite.example.fr)", base))
		return
	}
	*tls = u.Scheme == "https"
}

// Validate checks the relations between settings.
func (c Config) Validate() error {
	if c.SessionIdle > c.SessionLifetime {
		return fmt.Errorf("COMITE_SESSION_IDLE (%s) ne peut dépasser COMITE_SESSION_LIFETIME (%s)", c.SessionIdle, c.SessionLifetime)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("COMITE_LOG_FORMAT: %q inconnu (text ou json)", c.LogFormat)
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
