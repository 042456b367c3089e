// Package password hashes and checks account passwords with argon2id, and
// decides whether a new password is acceptable (length and a blocklist, no
// composition rules, as CNIL and ASVS recommend).
package password

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters of new hashes: ASVS 5.0 appendix C minimum for argon2id. They are
// written into every hash so that raising them later keeps old hashes valid.
const (
	memoryKiB = 19 * 1024
	timeCost  = 2
	threads   = 1
	keyLen    = 32
	saltLen   = 16
)

// Length bounds of a new password, in characters.
const (
	MinLength = 12
	MaxLength = 256
)

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("password mismatch")

// Hash returns the argon2id hash of pw in the PHC string format.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, timeCost, memoryKiB, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, timeCost, threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify returns nil when pw matches encoded, ErrMismatch when it does not.
func Verify(encoded, pw string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("unsupported password hash format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("unsupported argon2 version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return fmt.Errorf("parse argon2 parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("decode salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("decode key: %w", err)
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// dummyHash is compared against when the account does not exist, so that an
// unknown e-mail costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := Hash("comite-dummy-password-for-timing")
	if err != nil {
		panic(err)
	}
	return h
})

// VerifyNothing spends the time of one Verify; call it when there is no account.
func VerifyNothing(pw string) {
	_ = Verify(dummyHash(), pw)
}

//go:embed blocklist.txt
var blocklistText string

var blocklist = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(blocklistText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			set[strings.ToLower(w)] = true
		}
	}
	return set
})

// Problem returns, in French, why pw may not be chosen by the account with
// the given e-mail, or "" when it is acceptable.
func Problem(pw, email string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return fmt.Sprintf("Le mot de passe doit comporter au moins %d caractères.", MinLength)
	case n > MaxLength:
		return fmt.Sprintf("Le mot de passe ne peut dépasser %d caractères.", MaxLength)
	case blocklist()[strings.ToLower(pw)]:
		return "Ce mot de passe figure parmi les plus courants : choisissez-en un autre, par exemple une phrase de plusieurs mots."
	case email != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(strings.SplitN(email, "@", 2)[0])) && len(strings.SplitN(email, "@", 2)[0]) >= 4:
		return "Le mot de passe ne doit pas contenir votre adresse électronique."
	case strings.Count(pw, string([]rune(pw)[0])) == utf8.RuneCountInString(pw):
		return "Le mot de passe ne doit pas répéter un seul caractère."
	}
	return ""
}

// Generate returns a random password of 20 characters from an alphabet
// without look-alike characters, for demo and invitation accounts.
func Generate() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
