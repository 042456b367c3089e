package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"comite/internal/config"
	"comite/internal/ical"
	"comite/internal/model"
	"comite/internal/pgtest"
	"comite/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const frenchSubject = "Invitation à rejoindre le portail du comité"

const frenchText = "Bonjour Mme Dupont,\n\nVous êtes invitée à rejoindre le portail du comité : " +
	"https://comite.example.fr/invitation/" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz=\n" +
	"Ce lien expire dans 7 jours.\n\n-- \nLe secrétariat\n"

// readMessage parses a composed message back and returns its decoded subject and body.
func readMessage(t *testing.T, raw []byte) (*mail.Message, string, string) {
	t.Helper()
	head, encoded, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 998 {
			t.Errorf("header line %d is %d characters long", i, len(line))
		}
	}
	for i, line := range strings.Split(string(encoded), "\r\n") {
		if len(line) > 76 {
			t.Errorf("body line %d is %d characters long: %q", i, len(line), line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return msg, subject, string(body)
}

func TestComposeRoundTrip(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	raw, err := Compose(Message{
		From:    "Comité de suivi <comite@example.fr>",
		To:      "claire.dupont@example.fr",
		Subject: frenchSubject,
		Text:    frenchText,
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	msg, subject, body := readMessage(t, raw)
	if subject != frenchSubject {
		t.Errorf("subject = %q", subject)
	}
	if want := strings.ReplaceAll(frenchText, "\n", "\r\n"); body != want {
		t.Errorf("body = %q\nwant %q", body, want)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Comité de suivi" || from[0].Address != "comite@example.fr" {
		t.Errorf("From = %v, %v", from, err)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "claire.dupont@example.fr" {
		t.Errorf("To = %v, %v", to, err)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date = %v, %v", d, err)
	}
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.fr>") {
		t.Errorf("Message-ID = %q", id)
	}
	for name, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
	} {
		if got := msg.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if bytes.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
		t.Error("the composed message is not 7-bit")
	}

	// A long subject is folded between encoded words and decodes whole.
	long := strings.Repeat(frenchSubject+" — ", 4)
	raw, err = Compose(Message{From: "a@example.fr", To: "b@example.fr", Subject: long, Text: "x"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, subject, _ := readMessage(t, raw); subject != long {
		t.Errorf("long subject = %q", subject)
	}
	if !bytes.Contains(raw, []byte("?=\r\n =?utf-8?q?")) {
		t.Errorf("long subject not folded:\n%s", raw)
	}

	// Plain ASCII subjects stay readable as they are.
	raw, err = Compose(Message{From: "a@example.fr", To: "b@example.fr", Subject: "Hello", Text: "x"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\nSubject: Hello\r\n")) {
		t.Errorf("ASCII subject was encoded:\n%s", raw)
	}
}

func TestComposeRefusesHeaderInjection(t *testing.T) {
	ok := Message{From: "comite@example.fr", To: "x@example.fr", Subject: "s", Text: "t\r\nBcc: body lines are fine"}
	if _, err := Compose(ok, time.Now()); err != nil {
		t.Fatalf("valid message refused: %v", err)
	}
	for name, m := range map[string]Message{
		"subject LF":    {From: ok.From, To: ok.To, Subject: "Hi\nBcc: victim@example.com"},
		"subject CR":    {From: ok.From, To: ok.To, Subject: "Hi\rBcc: victim@example.com"},
		"to CRLF":       {From: ok.From, To: "x@example.fr\r\nBcc: victim@example.com"},
		"quoted name":   {From: ok.From, To: "\"x\r\nBcc: v@example.com\" <x@example.fr>"},
		"from LF":       {From: "comite@example.fr\nBcc: v@example.com", To: ok.To},
		"two rcpts":     {From: ok.From, To: "x@example.fr, v@example.com"},
		"not an addr":   {From: ok.From, To: "claire"},
		"empty to":      {From: ok.From, To: ""},
		"invalid from":  {From: "comite", To: ok.To},
		"angle garbage": {From: ok.From, To: "<x@example.fr> Bcc"},
	} {
		if _, err := Compose(m, time.Now()); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: Compose = %v, want ErrInvalidMessage", name, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, 64 * time.Minute, 128 * time.Minute, 256 * time.Minute, 6 * time.Hour, 6 * time.Hour}
	for previous, w := range want {
		if got := Backoff(previous); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", previous, got, w)
		}
	}
	if got := Backoff(1000); got != 6*time.Hour {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func mailTo(t *testing.T, st *store.Store, to string) model.Mail {
	t.Helper()
	mails, err := st.MailsTo(t.Context(), to)
	if err != nil || len(mails) != 1 {
		t.Fatalf("MailsTo(%s) = %v, %v", to, mails, err)
	}
	return mails[0]
}

func TestWorkerSendsThroughSMTP(t *testing.T) {
	ctx := t.Context()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	srv, roots := startServer(t, true)
	smtp := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: srv.addr.Port, User: "comite", Password: "s3cret",
		From: "Comité de suivi <comite@example.fr>", StartTLS: true})
	smtp.rootCAs = roots

	var id int64
	err := st.InTx(ctx, func(tx *store.Store) error {
		var err error
		id, err = tx.QueueMail(ctx, "claire.dupont@example.fr", frenchSubject, frenchText)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &Worker{Outbox: st, Sender: smtp, Log: quietLog()}
	if err := w.Deliver(ctx, id, 1, MaxAttempts); err != nil {
		t.Fatalf("Deliver = %v", err)
	}

	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	if got[0].from != "FROM:<comite@example.fr>" || len(got[0].to) != 1 || got[0].to[0] != "TO:<claire.dupont@example.fr>" {
		t.Errorf("envelope = %q → %q", got[0].from, got[0].to)
	}
	msg, subject, body := readMessage(t, []byte(got[0].data))
	if subject != frenchSubject || body != strings.ReplaceAll(frenchText, "\n", "\r\n") {
		t.Errorf("subject %q, body %q", subject, body)
	}
	if to := msg.Header.Get("To"); to != "<claire.dupont@example.fr>" {
		t.Errorf("To = %q", to)
	}
	srv.mu.Lock()
	auth, authTLS := srv.auth, srv.authTLS
	srv.mu.Unlock()
	if !authTLS || len(auth) != 3 || auth[1] != "comite" || auth[2] != "s3cret" {
		t.Errorf("AUTH = %q over TLS %v", auth, authTLS)
	}

	m := mailTo(t, st, "claire.dupont@example.fr")
	if m.Status != "sent" || m.SentAt == nil {
		t.Errorf("after delivery: %+v", m)
	}
	// A job run twice (river may, after a crash) does not send twice.
	if err := w.Deliver(ctx, id, 2, MaxAttempts); err != nil || len(srv.messages()) != 1 {
		t.Errorf("a sent mail was tried again: %v, %d messages", err, len(srv.messages()))
	}
}

func TestWorkerSendsCalendar(t *testing.T) {
	ctx := t.Context()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	srv, _ := startServer(t, false)
	smtp := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: srv.addr.Port, From: "Comité de suivi <comite@example.fr>"})
	calendar := string(ical.Calendar{Method: "REQUEST", Events: []ical.Event{{
		UID:           "meeting-12@comite",
		Start:         time.Date(2025, 7, 15, 14, 30, 0, 0, time.UTC),
		Summary:       "Réunion plénière du comité",
		Description:   strings.Repeat("Ordre du jour détaillé, à lire avant la séance. ", 5),
		AttendeeName:  "Claire Dupont",
		AttendeeEmail: "claire.dupont@example.fr",
	}}}.Bytes())
	id, err := st.QueueCalendarMail(ctx, "claire.dupont@example.fr", frenchSubject, frenchText, calendar)
	if err != nil {
		t.Fatal(err)
	}
	w := &Worker{Outbox: st, Sender: smtp, Log: quietLog()}
	if err := w.Deliver(ctx, id, 1, MaxAttempts); err != nil {
		t.Fatalf("Deliver = %v", err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	raw := got[0].data
	if strings.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
		t.Error("the message is not 7-bit")
	}
	_, body, _ := strings.Cut(raw, "\r\n\r\n")
	for i, line := range strings.Split(body, "\r\n") {
		if len(line) > 76 {
			t.Errorf("body line %d is %d characters long: %q", i, len(line), line)
		}
	}

	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); subject != frenchSubject {
		t.Errorf("subject = %q", subject)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/mixed" || len(params["boundary"]) < 30 {
		t.Fatalf("Content-Type = %q, %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])

	// NextRawPart, as NextPart would decode quoted-printable and hide its header.
	text, err := mr.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	if ct, cte := text.Header.Get("Content-Type"), text.Header.Get("Content-Transfer-Encoding"); ct != "text/plain; charset=utf-8" || cte != "quoted-printable" {
		t.Errorf("text part: Content-Type %q, Content-Transfer-Encoding %q", ct, cte)
	}
	if b, err := io.ReadAll(quotedprintable.NewReader(text)); err != nil || string(b) != strings.ReplaceAll(frenchText, "\n", "\r\n") {
		t.Errorf("text part = %q, %v", b, err)
	}

	cal, err := mr.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"Content-Type":              "text/calendar; charset=utf-8; method=REQUEST",
		"Content-Disposition":       `attachment; filename="invitation.ics"`,
		"Content-Transfer-Encoding": "base64",
	} {
		if got := cal.Header.Get(name); got != want {
			t.Errorf("calendar part %s = %q, want %q", name, got, want)
		}
	}
	encoded, err := io.ReadAll(cal)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(encoded), "\r\n")
	if len(lines) < 3 {
		t.Errorf("calendar part on %d lines, want several", len(lines))
	}
	for i, line := range lines[:len(lines)-1] {
		if len(line) != 76 {
			t.Errorf("base64 line %d is %d characters long", i, len(line))
		}
	}
	decoded, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(encoded)))
	if err != nil || string(decoded) != calendar {
		t.Errorf("calendar part = %q, %v\nwant %q", decoded, err, calendar)
	}
	if _, err := mr.NextRawPart(); err != io.EOF {
		t.Errorf("a third part: %v", err)
	}
}

func TestCalendarMethod(t *testing.T) {
	for calendar, want := range map[string]string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n": "CANCEL",
		"BEGIN:VCALENDAR\nmethod: request \nEND:VCALENDAR\n":                   "REQUEST",
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n":                  "PUBLISH",
		"BEGIN:VCALENDAR\r\nX-METHOD:CANCEL\r\nEND:VCALENDAR\r\n":              "PUBLISH",
	} {
		if got := calendarMethod(calendar); got != want {
			t.Errorf("calendarMethod(%q) = %q, want %q", calendar, got, want)
		}
	}
}

func TestWorkerRetriesLater(t *testing.T) {
	ctx := t.Context()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	srv, roots := startServer(t, true)
	srv.rcptReply = "451 4.7.1 greylisted, try again later"
	smtp := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: srv.addr.Port, From: "comite@example.fr", StartTLS: true})
	smtp.rootCAs = roots

	id, err := st.QueueMail(ctx, "late@example.fr", "s", "t")
	if err != nil {
		t.Fatal(err)
	}
	// A mail the server will never accept is given up at once.
	badID, err := st.QueueMail(ctx, "not an address", "s", "t")
	if err != nil {
		t.Fatal(err)
	}
	w := &Worker{Outbox: st, Sender: smtp, Log: quietLog()}
	before := time.Now()
	if err := w.Deliver(ctx, id, 1, MaxAttempts); err == nil || errors.Is(err, ErrGaveUp) || !strings.Contains(err.Error(), "451") {
		t.Fatalf("Deliver after a 451 = %v, want the error to retry", err)
	}
	if err := w.Deliver(ctx, badID, 1, MaxAttempts); !errors.Is(err, ErrGaveUp) || !errors.Is(err, ErrInvalidMessage) {
		t.Fatalf("Deliver of an invalid address = %v, want ErrGaveUp", err)
	}
	m := mailTo(t, st, "late@example.fr")
	if m.Status != "pending" || m.Attempts != 1 || !strings.Contains(m.LastError, "451") {
		t.Errorf("after a 451: %+v", m)
	}
	var next time.Time
	if err := pool.QueryRow(ctx, `SELECT next_attempt_at FROM outbox WHERE id = $1`, id).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if d := next.Sub(before); d < time.Minute-time.Second || d > time.Minute+10*time.Second {
		t.Errorf("next attempt in %v, want about a minute", d)
	}
	if bad := mailTo(t, st, "not an address"); bad.Status != "failed" || bad.Attempts != 1 {
		t.Errorf("an invalid address is retried: %+v", bad)
	}
	if len(srv.messages()) != 0 {
		t.Error("the server received a message")
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := t.Context()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	failing := senderFunc(func(context.Context, Message) error { return errors.New("421 busy") })
	w := &Worker{Outbox: st, Sender: failing, Log: quietLog()}
	id, _ := st.QueueMail(ctx, "x@example.fr", "s", "t")
	for attempt := 1; attempt <= 3; attempt++ {
		err := w.Deliver(ctx, id, attempt, 3)
		if err == nil || errors.Is(err, ErrGaveUp) != (attempt == 3) {
			t.Fatalf("attempt %d: Deliver = %v", attempt, err)
		}
		m := mailTo(t, st, "x@example.fr")
		wantStatus := "pending"
		if attempt == 3 {
			wantStatus = "failed"
		}
		if m.Attempts != attempt || m.Status != wantStatus {
			t.Errorf("after attempt %d: %+v", attempt, m)
		}
	}
}

type senderFunc func(ctx context.Context, m Message) error

func (f senderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

func TestSMTPRequiresOfferedSTARTTLS(t *testing.T) {
	srv, _ := startServer(t, false)
	smtp := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: srv.addr.Port, User: "comite", Password: "s3cret",
		From: "comite@example.fr", StartTLS: true})
	err := smtp.Send(t.Context(), Message{To: "x@example.fr", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send = %v, want a STARTTLS error", err)
	}
	if srv.sawCommand("AUTH") || srv.sawCommand("MAIL") {
		t.Error("credentials or mail sent without TLS")
	}
}

func TestSMTPUntrustedCertificate(t *testing.T) {
	srv, _ := startServer(t, true)
	smtp := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: srv.addr.Port, User: "comite", Password: "s3cret",
		From: "comite@example.fr", StartTLS: true})
	if err := smtp.Send(t.Context(), Message{To: "x@example.fr", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("Send trusted an unknown certificate")
	}
	if srv.sawCommand("AUTH") {
		t.Error("credentials sent to an untrusted server")
	}
}

// TestDeliverInterrupted: an attempt cut by shutdown is not the mail's
// fault: nothing is recorded, and the job runner tries again without
// counting it.
func TestDeliverInterrupted(t *testing.T) {
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	id, err := st.QueueMail(t.Context(), "x@example.fr", "s", "t")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cut := senderFunc(func(sendCtx context.Context, _ Message) error {
		cancel()
		<-sendCtx.Done()
		return sendCtx.Err()
	})
	w := &Worker{Outbox: st, Sender: cut, Log: quietLog()}
	if err := w.Deliver(ctx, id, 1, MaxAttempts); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Deliver = %v, want ErrInterrupted", err)
	}
	if m := mailTo(t, st, "x@example.fr"); m.Status != "pending" || m.Attempts != 0 || m.LastError != "" {
		t.Errorf("after an interrupted attempt: %+v", m)
	}
}
