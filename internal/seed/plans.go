package seed

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"comite/internal/model"
	"comite/internal/store"
)

//go:embed plans.json
var plansJSON []byte

// demoPlans is plans.json: the plans with their axes and measures, the
// links between measures of different plans, and GRETA's recommendations.
// Measures are named by a key unique in the file, so that links and
// recommendations can point to them before they have an id.
type demoPlans struct {
	Plans           []demoPlan           `json:"plans"`
	Links           [][2]string          `json:"measure_links"`
	Recommendations []demoRecommendation `json:"recommendations"`
}

type demoPlan struct {
	Slug         string `json:"slug"`
	Title        string `json:"title"`
	ShortTitle   string `json:"short_title"`
	Followed     bool   `json:"followed"`
	Period       string `json:"period"`
	Owner        string `json:"owner"`
	PresentedOn  string `json:"presented_on"`
	Description  string `json:"description"`
	SourceURL    string `json:"source_url"`
	Illustrative bool   `json:"illustrative"`
	Axes         []struct {
		Number       int    `json:"number"`
		Title        string `json:"title"`
		Illustrative bool   `json:"illustrative"`
	} `json:"axes"`
	Measures []demoMeasure `json:"measures"`
}

// demoRecommendation is one of GRETA's recommendations, with the keys of
// the measures that answer it.
type demoRecommendation struct {
	Round        int            `json:"round"`
	Theme        string         `json:"theme"`
	Text         string         `json:"text"`
	Strength     model.Strength `json:"strength"`
	SourceURL    string         `json:"source_url"`
	Illustrative bool           `json:"illustrative"`
	Measures     []string       `json:"measures"`
}

type demoMeasure struct {
	Key    string `json:"key"`
	Axis   int    `json:"axis"`
	Number string `json:"number"`
	Title  string `json:"title"`
	// Status and Progress hold for a measure without updates; one with
	// updates takes them from its latest update, as on the live portal.
	Status       model.MeasureStatus `json:"status"`
	Progress     int                 `json:"progress"`
	Description  string              `json:"description"`
	SourceURL    string              `json:"source_url"`
	Illustrative bool                `json:"illustrative"`
	Pilots       []string            `json:"pilots"`
	Partners     []string            `json:"partners"`
	Indicators   []struct {
		Label   string `json:"label"`
		Target  string `json:"target"`
		Current string `json:"current"`
	} `json:"indicators"`
	Updates []demoUpdate `json:"updates"`
}

// demoUpdate is a published implementation update: a paraphrase of a
// public note, dated as the note is.
type demoUpdate struct {
	HappenedOn string              `json:"happened_on"`
	Status     model.MeasureStatus `json:"status"`
	Progress   int                 `json:"progress"`
	Text       string              `json:"text"`
}

// FollowedPlanSlug is the slug of the demo's followed plan in plans.json.
const FollowedPlanSlug = "pnteh-2024-2027"

// ensurePlans loads the demo plans, their links and GRETA's
// recommendations once. Plans are loaded as a whole or not at all: once
// the followed plan (or any other demo plan) exists, the secretariat owns
// every plan (it may have renamed, merged or deleted measures or whole
// plans), so nothing is added again, and a plan it deleted does not make
// the next start fail on the slugs of those it kept.
func ensurePlans(ctx context.Context, tx *store.Store, bodies map[string]int64) error {
	var d demoPlans
	if err := json.Unmarshal(plansJSON, &d); err != nil {
		return fmt.Errorf("read demo plans: %w", err)
	}
	for _, p := range d.Plans {
		if _, err := tx.PlanBySlug(ctx, p.Slug); err == nil {
			return nil
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
	}
	measures := measureKeys{}
	for _, p := range d.Plans {
		if err := createPlan(ctx, tx, p, bodies, measures); err != nil {
			return err
		}
	}
	for _, l := range d.Links {
		a, err := measures.id(l[0])
		if err != nil {
			return err
		}
		b, err := measures.id(l[1])
		if err != nil {
			return err
		}
		if err := tx.LinkMeasures(ctx, a, b); err != nil {
			return err
		}
	}
	for _, r := range d.Recommendations {
		if err := createRecommendation(ctx, tx, r, measures); err != nil {
			return err
		}
	}
	// The observatory's measure links to the observatory's page.
	if id, ok := measures["m-observatoire"]; ok {
		return tx.MarkObservatoryMeasure(ctx, id)
	}
	return nil
}

// measureKeys are the ids of the measures created, by their key in
// plans.json.
type measureKeys map[string]int64

func (k measureKeys) id(key string) (int64, error) {
	if id, ok := k[key]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("demo plans: no measure %q", key)
}

// createPlan creates a plan with its axes and measures, and adds its
// measures to measures.
func createPlan(ctx context.Context, tx *store.Store, p demoPlan, bodies map[string]int64, measures measureKeys) error {
	plan := model.Plan{Slug: p.Slug, Title: p.Title, ShortTitle: p.ShortTitle, Followed: p.Followed, Period: p.Period,
		Owner: p.Owner, Description: p.Description, SourceURL: p.SourceURL, Illustrative: p.Illustrative}
	if p.PresentedOn != "" {
		on, err := time.Parse(time.DateOnly, p.PresentedOn)
		if err != nil {
			return fmt.Errorf("demo plan %q: %w", p.Slug, err)
		}
		plan.PresentedOn = &on
	}
	planID, err := tx.CreatePlan(ctx, plan)
	if err != nil {
		return fmt.Errorf("demo plan %q: %w", p.Slug, err)
	}
	axes := map[int]int64{}
	for _, a := range p.Axes {
		if axes[a.Number], err = tx.CreateAxis(ctx, model.Axis{PlanID: planID, Number: a.Number, Title: a.Title,
			Illustrative: a.Illustrative}); err != nil {
			return fmt.Errorf("demo plan %q, axis %d: %w", p.Slug, a.Number, err)
		}
	}
	for _, m := range p.Measures {
		if _, dup := measures[m.Key]; dup {
			return fmt.Errorf("demo measure %q: key used twice", m.Key)
		}
		id, err := createMeasure(ctx, tx, planID, axes, bodies, m)
		if err != nil {
			return fmt.Errorf("demo measure %q: %w", m.Key, err)
		}
		measures[m.Key] = id
	}
	return nil
}

// createRecommendation creates one of GRETA's recommendations, linked to
// the measures that answer it.
func createRecommendation(ctx context.Context, tx *store.Store, r demoRecommendation, measures measureKeys) error {
	if r.Strength != model.StrengthUrges && r.Strength != model.StrengthConsiders {
		return fmt.Errorf("demo recommendation %q: unknown strength %q", r.Theme, r.Strength)
	}
	// The paragraph numbers of GRETA's reports were not collected: left
	// empty rather than guessed.
	recID, err := tx.CreateRecommendation(ctx, model.Recommendation{Source: "GRETA", Round: r.Round, Theme: r.Theme,
		Text: r.Text, Strength: r.Strength, SourceURL: r.SourceURL, Illustrative: r.Illustrative})
	if err != nil {
		return fmt.Errorf("demo recommendation %q: %w", r.Theme, err)
	}
	for _, key := range r.Measures {
		m, err := measures.id(key)
		if err != nil {
			return err
		}
		if err := tx.LinkRecommendation(ctx, recID, m); err != nil {
			return err
		}
	}
	return nil
}

// createMeasure creates one measure with its pilots, partners, indicators
// and published updates, and returns its id.
func createMeasure(ctx context.Context, tx *store.Store, planID int64, axes map[int]int64, bodies map[string]int64, m demoMeasure) (int64, error) {
	axisID, ok := axes[m.Axis]
	if m.Axis != 0 && !ok {
		return 0, fmt.Errorf("no axis %d in its plan", m.Axis)
	}
	status, progress := m.Status, m.Progress
	if len(m.Updates) > 0 {
		// The updates bring the measure to where it stands.
		status, progress = model.MeasureNotStarted, 0
	}
	if status == "" {
		status = model.MeasureNotStarted
	}
	if !status.Valid() {
		return 0, fmt.Errorf("unknown status %q", status)
	}
	id, err := tx.CreateMeasure(ctx, model.Measure{PlanID: planID, AxisID: axisID, Number: m.Number, Title: m.Title,
		Description: m.Description, Status: status, Progress: progress, SourceURL: m.SourceURL, Illustrative: m.Illustrative})
	if err != nil {
		return 0, err
	}
	slugs := func(list []string) ([]int64, error) {
		ids := make([]int64, 0, len(list))
		for _, slug := range list {
			b, ok := bodies[slug]
			if !ok {
				return nil, fmt.Errorf("no demo body %q", slug)
			}
			ids = append(ids, b)
		}
		return ids, nil
	}
	pilots, err := slugs(m.Pilots)
	if err != nil {
		return 0, err
	}
	partners, err := slugs(m.Partners)
	if err != nil {
		return 0, err
	}
	if len(pilots)+len(partners) > 0 {
		if err := tx.SetMeasureBodies(ctx, id, pilots, partners); err != nil {
			return 0, err
		}
	}
	for _, i := range m.Indicators {
		if _, err := tx.CreateIndicator(ctx, model.Indicator{MeasureID: id, Label: i.Label, Target: i.Target, Current: i.Current}); err != nil {
			return 0, err
		}
	}
	updates := slices.Clone(m.Updates)
	// Oldest first, so that each one applies in turn and the latest stays.
	slices.SortStableFunc(updates, func(a, b demoUpdate) int { return strings.Compare(a.HappenedOn, b.HappenedOn) })
	for _, u := range updates {
		on, err := time.Parse(time.DateOnly, u.HappenedOn)
		if err != nil {
			return 0, err
		}
		if !u.Status.Valid() {
			return 0, fmt.Errorf("update of %s: unknown status %q", u.HappenedOn, u.Status)
		}
		// Published with no author: these are the secretariat's summary of
		// public notes, not a pilot's report.
		if _, err := tx.AddMeasureUpdate(ctx, model.MeasureUpdate{MeasureID: id, State: model.UpdatePublished, Status: u.Status,
			Progress: u.Progress, Text: u.Text, HappenedOn: on, Illustrative: true}); err != nil {
			return 0, err
		}
	}
	return id, nil
}
