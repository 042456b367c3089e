package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
)

// demoComment is one illustrative comment of the consultation. Replies
// name their thread by the index of its first comment.
type demoComment struct {
	measure  string // start of the measure's title
	author   string // demo account e-mail
	parent   int    // index of the top-level comment answered, -1 for none
	official bool
	daysAgo  int
	text     string
}

// demoComments are plainly examples: every text says so. They show a
// thread with an official answer and a union's reply, and a comment that
// still waits for its pilot's answer.
var demoComments = []demoComment{
	{measure: "Mesure 5.1 (exemple)", author: "association@demo.comite.example", parent: -1, daysAgo: 21,
		text: "*Commentaire d'exemple.* Les contrôles repèrent encore peu l'exploitation domestique : les inspecteurs n'entrent pas dans les domiciles privés sans l'accord de l'occupant.\n\nNous proposons :\n- une formation commune avec les associations qui accompagnent les victimes ;\n- un circuit de signalement direct vers l'inspection du travail."},
	{measure: "Mesure 5.1 (exemple)", author: "pilote@demo.comite.example", parent: 0, official: true, daysAgo: 14,
		text: "*Réponse d'exemple.* Un module de formation commun est prévu pour les agents de contrôle ; les associations membres du comité seront associées à sa conception. Le circuit de signalement sera présenté à la prochaine réunion du comité."},
	{measure: "Mesure 5.1 (exemple)", author: "syndicat@demo.comite.example", parent: 0, daysAgo: 12,
		text: "*Réponse d'exemple.* Les organisations syndicales souhaitent que les délégués du personnel des entreprises de services à la personne soient aussi formés au repérage."},
	{measure: "Mesure 4.1 (exemple)", author: "instance@demo.comite.example", parent: -1, daysAgo: 9,
		text: "*Commentaire d'exemple.* Le bilan de la mesure gagnerait à distinguer les personnes accompagnées de celles qui ont effectivement obtenu une aide financière à l'insertion sociale et professionnelle."},
}

// Comments adds the demo consultation to the followed plan once its demo
// accounts exist; it does nothing when the plan already has comments.
func Comments(ctx context.Context, st *store.Store, now time.Time) error {
	return st.InTx(ctx, func(tx *store.Store) error {
		plan, err := tx.PlanBySlug(ctx, FollowedPlanSlug)
		if err != nil {
			return err
		}
		measures, err := tx.Measures(ctx, store.MeasureFilter{PlanID: plan.ID})
		if err != nil {
			return err
		}
		for _, m := range measures {
			threads, err := tx.Threads(ctx, m.ID)
			if err != nil {
				return err
			}
			if len(threads) > 0 {
				return nil
			}
		}
		ids := make([]int64, len(demoComments))
		for i, dc := range demoComments {
			var measure model.Measure
			for _, m := range measures {
				if strings.HasPrefix(m.Title, dc.measure) {
					measure = m
				}
			}
			if measure.ID == 0 {
				return fmt.Errorf("demo comment: no measure %q", dc.measure)
			}
			author, err := tx.AccountByEmail(ctx, dc.author)
			if err != nil {
				return fmt.Errorf("demo comment by %s: %w", dc.author, err)
			}
			c := model.Comment{MeasureID: measure.ID, AuthorID: author.ID, BodyID: author.BodyID, Category: author.BodyCategory,
				Text: dc.text, HTML: markdown.Limited(dc.text), Official: dc.official, State: model.CommentPublished,
				Illustrative: true, CreatedAt: now.AddDate(0, 0, -dc.daysAgo)}
			if dc.parent >= 0 {
				c.ParentID = ids[dc.parent]
			}
			if ids[i], err = tx.CreateComment(ctx, c); err != nil {
				return err
			}
			if err := tx.Follow(ctx, author.ID, measure.ID); err != nil {
				return err
			}
		}
		return tx.Record(ctx, store.Audit{Action: "comment.seed", ObjectType: "plan", ObjectID: plan.ID,
			Detail: map[string]any{"by": "seed", "comments": len(ids)}})
	})
}
