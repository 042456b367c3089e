package mail

import "testing"

// StartTestServer starts the in-process SMTP server, without TLS, for the
// tests of package mail_test. It returns its port, a channel that receives
// once per message accepted, and the recipients of those messages.
func StartTestServer(t *testing.T) (port int, arrived <-chan struct{}, recipients func() []string) {
	srv, _ := startServer(t, false)
	return srv.addr.Port, srv.arrived, func() []string {
		var to []string
		for _, m := range srv.messages() {
			to = append(to, m.to...)
		}
		return to
	}
}
