package dbmigrate_test

import (
	"context"
	"crypto/sha256"
	"testing"

	"comite/internal/dbmigrate"
	"comite/internal/pgtest"
	"comite/internal/store"
)

// Migration 12 keeps the hash of unsubscribe tokens only: a link mailed
// before it still unsubscribes, looked up as the server looks it up (the
// SHA-256 of the token in the address), and the clear token is gone.
func TestUnsubscribeTokensMigration(t *testing.T) {
	ctx := context.Background()
	pool, url := pgtest.NewPool(t)
	downTo(t, url, 11)
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	body := one(`INSERT INTO bodies (slug, name, category) VALUES ('association', 'Association', 'association') RETURNING id`)
	account := one(`INSERT INTO accounts (email, display_name, password_hash, role, body_id)
		VALUES ('membre@exemple.fr', 'Membre', 'x', 'member', $1) RETURNING id`, body)
	plan := one(`INSERT INTO plans (slug, title) VALUES ('plan', 'Plan') RETURNING id`)
	measure := one(`INSERT INTO measures (plan_id, title) VALUES ($1, 'Mesure') RETURNING id`, plan)
	const token = "Zm9sbG93LXRva2VuLW1haWxlZC1iZWZvcmUtbWlncmF0aW9uLTEy"
	if _, err := pool.Exec(ctx, `INSERT INTO measure_follows (account_id, measure_id, unsubscribe_token) VALUES ($1, $2, $3)`,
		account, measure, token); err != nil {
		t.Fatal(err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}

	hash := sha256.Sum256([]byte(token))
	gotAccount, gotMeasure, err := store.New(pool).FollowByToken(ctx, hash[:])
	if err != nil || gotAccount != account || gotMeasure != measure {
		t.Fatalf("old link after the migration: account %d measure %d, %v; want %d %d", gotAccount, gotMeasure, err, account, measure)
	}
	for _, table := range []string{"measure_follows", "unsubscribe_tokens"} {
		if n := one(`SELECT count(*) FROM `+table+` t WHERE strpos(t::text, $1) > 0`, token); n != 0 {
			t.Errorf("%s holds the clear token", table)
		}
	}

	// Going down gives every follow a new token: the hashes cannot be
	// turned back into the mailed ones.
	downTo(t, url, 11)
	if n := one(`SELECT count(*) FROM measure_follows WHERE unsubscribe_token IS NOT NULL AND unsubscribe_token <> $1`, token); n != 1 {
		t.Errorf("after going down: %d follows with a new token, want 1", n)
	}
}
