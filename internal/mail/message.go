// Package mail delivers the outbox: it sends queued mails through SMTP after
// their transaction has committed, and retries failed ones with a growing
// delay.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// ErrInvalidMessage marks a mail that can never be sent as it stands (a bad
// address, a line break in a header): the worker gives up on it at once.
var ErrInvalidMessage = errors.New("invalid message")

// Message is a plain-text mail, with an iCalendar attachment when Calendar
// is not empty.
type Message struct {
	From, To, Subject, Text string
	Calendar                string
}

// Compose renders m as an RFC 5322 message in UTF-8, its text in
// quoted-printable so that accented text survives any relay. A calendar makes
// it multipart/mixed: the text, then the calendar as invitation.ics.
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
	if m.Calendar == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeText(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}

	mw := multipart.NewWriter(&b) // its boundary comes from crypto/rand
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	if err := writeText(part, m.Text); err != nil {
		return nil, err
	}
	// Calendar clients read the method from the Content-Type as well as from
	// the calendar, and some only from the Content-Type.
	part, err = mw.CreatePart(textproto.MIMEHeader{
		"Content-Type": {mime.FormatMediaType("text/calendar",
			map[string]string{"charset": "utf-8", "method": calendarMethod(m.Calendar)})},
		"Content-Disposition":       {`attachment; filename="invitation.ics"`},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return nil, err
	}
	if err := writeBase64(part, m.Calendar); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeText(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(text)); err != nil {
		return err
	}
	return qp.Close()
}

// writeBase64 writes s in lines of 76 characters, the limit of RFC 2045.
func writeBase64(w io.Writer, s string) error {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	for len(enc) > 76 {
		if _, err := io.WriteString(w, enc[:76]+"\r\n"); err != nil {
			return err
		}
		enc = enc[76:]
	}
	_, err := io.WriteString(w, enc)
	return err
}

// calendarMethod is the value of the calendar's METHOD property; a calendar
// without one is published rather than a request for an answer.
func calendarMethod(calendar string) string {
	for line := range strings.Lines(calendar) {
		name, value, ok := strings.Cut(strings.TrimRight(line, "\r\n"), ":")
		if value = strings.TrimSpace(value); ok && strings.EqualFold(name, "METHOD") && value != "" {
			return strings.ToUpper(value)
		}
	}
	return "PUBLISH"
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
