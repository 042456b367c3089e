package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"time"

	"comite/internal/config"
)

// dialTimeout bounds the TCP connection when the caller's context has no
// nearer deadline.
const dialTimeout = 15 * time.Second

// SMTP sends mails through one SMTP server, one connection per mail: the
// portal sends few mails, and a fresh connection never meets a server that
// dropped an idle one.
type SMTP struct {
	cfg config.SMTP
	// rootCAs replaces the system roots for STARTTLS; tests trust their own
	// certificate with it.
	rootCAs *x509.CertPool
}

// NewSMTP returns a sender through the server cfg describes.
func NewSMTP(cfg config.SMTP) *SMTP {
	return &SMTP{cfg: cfg}
}

// Send delivers msg from cfg.From, which replaces msg.From. With
// cfg.StartTLS it refuses a server that does not offer STARTTLS, so
// credentials never travel in clear.
func (s *SMTP) Send(ctx context.Context, msg Message) (err error) {
	msg.From = s.cfg.From
	data, err := Compose(msg, time.Now())
	if err != nil {
		return err
	}
	from, rcpt, _ := addresses(msg) // Compose has checked them

	port := s.cfg.Port
	if port == 0 {
		port = 587
	}
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.cfg.Host, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	// net/smtp knows no context: a deadline on the connection bounds the
	// whole conversation, and cancelling closes it.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
	}()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if s.cfg.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: server does not offer STARTTLS, which COMITE_SMTP_STARTTLS requires")
		}
		if err := c.StartTLS(&tls.Config{ServerName: s.cfg.Host, RootCAs: s.rootCAs, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if s.cfg.User != "" {
		// PlainAuth itself refuses an unencrypted connection to a remote host.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.cfg.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The server has accepted the mail: a failed QUIT must not make us send it twice.
	_ = c.Quit()
	return nil
}
