package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("une phrase de passe assez longue")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("got hash %q, want argon2id with m=19456,t=2,p=1", h)
	}
	if err := Verify(h, "une phrase de passe assez longue"); err != nil {
		t.Fatalf("right password: got %v, want nil", err)
	}
	if err := Verify(h, "une phrase de passe assez longuE"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: got %v, want ErrMismatch", err)
	}
	h2, _ := Hash("une phrase de passe assez longue")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestProblem(t *testing.T) {
	tests := []struct {
		pw, email string
		ok        bool
	}{
		{"court", "", false},
		{"onze-carac", "", false},
		{"douze-caract", "", true},
		{strings.Repeat("é", 12), "", false},
		{strings.Repeat("a", 300), "", false},
		{"Azertyuiop123", "", false},
		{"camille.durand-secret", "camille.durand@example.fr", false},
		{"chevaux bleus dans la prairie", "camille@example.fr", true},
		{strings.Repeat("mot ", 30), "", true},
	}
	for _, tt := range tests {
		got := Problem(tt.pw, tt.email)
		if (got == "") != tt.ok {
			t.Errorf("Problem(%q): got %q, want ok=%v", tt.pw, got, tt.ok)
		}
	}
}

func TestGenerateIsAcceptable(t *testing.T) {
	a, b := Generate(), Generate()
	if a == b {
		t.Fatal("two generated passwords are equal")
	}
	if p := Problem(a, ""); p != "" {
		t.Fatalf("generated password refused: %s", p)
	}
}
