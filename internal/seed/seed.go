// Package seed loads the demo committee: the member bodies, the 2024 mandate
// and its first meeting, from a data file written from public facts and kept
// inside the binary. Loading twice changes nothing.
package seed

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/store"
)

//go:embed demo.json
var demoJSON []byte

type demoData struct {
	Bodies []struct {
		Slug         string         `json:"slug"`
		Name         string         `json:"name"`
		Acronym      string         `json:"acronym"`
		Category     model.Category `json:"category"`
		Parent       string         `json:"parent"`
		Seated       bool           `json:"seated"`
		Illustrative bool           `json:"illustrative"`
	} `json:"bodies"`
	Mandates []struct {
		Slug         string `json:"slug"`
		Label        string `json:"label"`
		StartsOn     string `json:"starts_on"`
		JOTitle      string `json:"jo_title"`
		NOR          string `json:"nor"`
		JORF         string `json:"jorf"`
		ELIURL       string `json:"eli_url"`
		Illustrative bool   `json:"illustrative"`
	} `json:"mandates"`
	Meetings []struct {
		Slug             string              `json:"slug"`
		Title            string              `json:"title"`
		StartsAt         time.Time           `json:"starts_at"`
		EndsAt           *time.Time          `json:"ends_at"`
		Place            string              `json:"place"`
		Status           model.MeetingStatus `json:"status"`
		Summary          string              `json:"summary"`
		IllustrativeTime bool                `json:"illustrative_time"`
	} `json:"meetings"`
	DemoAccounts []struct {
		Email string     `json:"email"`
		Name  string     `json:"name"`
		Role  model.Role `json:"role"`
		Body  string     `json:"body"`
	} `json:"demo_accounts"`
}

func load() (demoData, error) {
	var d demoData
	if err := json.Unmarshal(demoJSON, &d); err != nil {
		return d, fmt.Errorf("read demo data: %w", err)
	}
	return d, nil
}

// Committee loads the demo bodies, mandate, seats and meetings in one
// transaction, creating only what is missing.
func Committee(ctx context.Context, st *store.Store) error {
	d, err := load()
	if err != nil {
		return err
	}
	return st.InTx(ctx, func(tx *store.Store) error {
		ids := map[string]int64{}
		for _, b := range d.Bodies {
			if !b.Category.Valid() {
				return fmt.Errorf("demo body %q: unknown category %q", b.Slug, b.Category)
			}
			id, err := tx.EnsureBody(ctx, model.Body{Slug: b.Slug, Name: b.Name, Acronym: b.Acronym,
				Category: b.Category, ParentID: ids[b.Parent], Illustrative: b.Illustrative})
			if err != nil {
				return err
			}
			ids[b.Slug] = id
		}
		for _, m := range d.Mandates {
			start, err := time.Parse(time.DateOnly, m.StartsOn)
			if err != nil {
				return fmt.Errorf("demo mandate %q: %w", m.Slug, err)
			}
			mandateID, err := tx.EnsureMandate(ctx, model.Mandate{Slug: m.Slug, Label: m.Label, StartsOn: start,
				JOTitle: m.JOTitle, NOR: m.NOR, JORF: m.JORF, ELIURL: m.ELIURL, Illustrative: m.Illustrative})
			if err != nil {
				return err
			}
			n := 0
			for _, b := range d.Bodies {
				if !b.Seated {
					continue
				}
				for _, role := range []model.SeatRole{model.SeatTitulaire, model.SeatSuppleant} {
					person, err := demoPerson(ctx, tx, ids[b.Slug], n)
					if err != nil {
						return err
					}
					n++
					if _, err := tx.EnsureSeat(ctx, mandateID, ids[b.Slug], person, role, start); err != nil {
						return err
					}
				}
			}
		}
		for _, m := range d.Meetings {
			if _, err := tx.EnsureMeeting(ctx, model.Meeting{Slug: m.Slug, Title: m.Title, StartsAt: m.StartsAt,
				EndsAt: m.EndsAt, Place: m.Place, Status: m.Status, Summary: m.Summary, Illustrative: m.IllustrativeTime}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Credential is a demo account and its password, shown once to the developer.
type Credential struct {
	Role     model.Role
	Body     string
	Email    string
	Password string
}

// Accounts creates the demo accounts that do not exist yet, each with a newly
// generated password, and returns those it created. With reset, it also gives
// the existing demo accounts new passwords (the developer lost the list).
func Accounts(ctx context.Context, st *store.Store, reset bool) ([]Credential, error) {
	d, err := load()
	if err != nil {
		return nil, err
	}
	var created []Credential
	err = st.InTx(ctx, func(tx *store.Store) error {
		for _, a := range d.DemoAccounts {
			body, err := tx.BodyBySlug(ctx, a.Body)
			if err != nil {
				return err
			}
			pw := password.Generate()
			hash, err := password.Hash(pw)
			if err != nil {
				return err
			}
			existing, err := tx.AccountByEmail(ctx, a.Email)
			switch {
			case err != nil && !errors.Is(err, model.ErrNotFound):
				return err
			case err == nil && !reset:
				continue
			case err == nil:
				if _, err := tx.SetPassword(ctx, existing.ID, hash); err != nil {
					return err
				}
			default:
				id, err := tx.CreateAccount(ctx, store.NewAccount{Email: a.Email, DisplayName: a.Name,
					PasswordHash: hash, Role: a.Role, BodyID: body.ID})
				if err != nil {
					return err
				}
				if err := tx.Record(ctx, store.Audit{Action: "account.create", ObjectType: "account", ObjectID: id,
					Detail: map[string]any{"by": "seed", "role": a.Role}}); err != nil {
					return err
				}
			}
			created = append(created, Credential{Role: a.Role, Body: body.DisplayName(), Email: a.Email, Password: pw})
		}
		return nil
	})
	return created, err
}

// Fictitious names for the demo seats: the 2024 JO list was not found, and
// real people must not appear as members they are not.
var (
	demoGiven  = []string{"Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgan", "Yannick", "Maxime", "Lou", "Charlie", "Andréa", "Noa"}
	demoFamily = []string{"ROUSSEL", "FONTAINE", "LEROUX", "MARCHAND", "PERRIN", "BARBIER", "GAUTIER", "COLIN", "LEMAIRE", "RENAUD", "BRUNET", "GIRAUD", "ÉTIENNE", "AUBRY", "CARPENTIER"}
)

// demoPerson returns the n-th fictitious person of the body, creating it on
// the first run only.
func demoPerson(ctx context.Context, tx *store.Store, bodyID int64, n int) (int64, error) {
	given := demoGiven[n%len(demoGiven)]
	family := demoFamily[(n/len(demoGiven)+n)%len(demoFamily)]
	p, err := tx.PersonByName(ctx, bodyID, given, family)
	if err == nil {
		return p.ID, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return 0, err
	}
	civility := "Mme"
	if n%2 == 1 {
		civility = "M."
	}
	return tx.CreatePerson(ctx, model.Person{Civility: civility, GivenName: given, FamilyName: family,
		BodyID: bodyID, Illustrative: true})
}
