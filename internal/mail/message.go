// Package mail delivers the outbox: it sends queued mails through SMTP after
// their transaction has committed, and retries failed ones with a growing
// delay.
package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// ErrInvalidMessage marks a mail that can never be sent as it stands (a bad
// address, a line break in a header): the worker gives up on it at once.
var ErrInvalidMessage = errors.New("invalid message")

// Message is a plain-text mail.
type Message struct {
	From, To, Subject, Text string
}

// Compose renders m as an RFC 5322 message in UTF-8, its body in
// quoted-printable so that accented text survives any relay.
func Compose(m Message, now time.Time) ([]byte, error) {
	from, to, err := addresses(m)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: line break in subject", ErrInvalidMessage)
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	// Encoded words are at most 75 characters; folding between them keeps a
	// long French subject on short lines rather than one of hundreds.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("utf-8", m.Subject), "?= =?", "?=\r\n =?"))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+rand.Text()+"@"+domain(from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Text)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// addresses parses the sender and the single recipient. ParseAddress alone
// would accept a line break inside a quoted name, hence the explicit check.
func addresses(m Message) (from, to *mail.Address, err error) {
	if strings.ContainsAny(m.From, "\r\n") || strings.ContainsAny(m.To, "\r\n") {
		return nil, nil, fmt.Errorf("%w: line break in an address", ErrInvalidMessage)
	}
	if from, err = mail.ParseAddress(m.From); err != nil {
		return nil, nil, fmt.Errorf("%w: sender %q: %v", ErrInvalidMessage, m.From, err)
	}
	if to, err = mail.ParseAddress(m.To); err != nil {
		return nil, nil, fmt.Errorf("%w: recipient %q: %v", ErrInvalidMessage, m.To, err)
	}
	return from, to, nil
}

func domain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "localhost"
}
