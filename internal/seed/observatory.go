package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"comite/internal/model"
	"comite/internal/store"
)

// pastYear is one edition of the associations' survey as published at the
// time (domain-facts.md, section 4): the forms of exploitation are shares
// in per cent, in the order sexual, labour, criminal, begging, other; nil
// where the source gives none.
type pastYear struct {
	year, respondents     int
	identified, supported *int
	forms                 []*int
	formOtherBelowOne     bool
	published             string
	source, note          string
}

func n(v int) *int { return &v }

var pastYears = []pastYear{
	{year: 2015, respondents: 13, supported: n(1826), forms: []*int{n(81), n(14), n(4), n(1), nil}, published: "2017-06-01",
		source: "https://ash.tm.fr/hebdo/3016/cote-terrain/traite-des-etres-humains-une-etude-menee-avec-les-associations-livre-des-chiffres-inedits-419895.php",
		note:   "13 associations répondantes sur 59 sollicitées ; 88 % de femmes. Exploitation par le travail : travail forcé 4 % et servitude domestique 10 %."},
	{year: 2018, respondents: 53, supported: n(2918), published: "2019-10-18",
		source: "http://www.contrelatraite.org/index.php/enquete_2019",
		note:   "21 % des victimes accompagnées ont déposé plainte ; 174 victimes de nationalité française."},
	{year: 2019, respondents: 37, identified: n(6457), supported: n(2573), published: "2020-10-01",
		source: "https://contrelatraite.org/node/522",
		note:   "28 % des victimes accompagnées ont déposé plainte."},
	{year: 2020, respondents: 26, identified: n(3489), supported: n(2259), forms: []*int{n(77), n(15), n(6), n(1), nil}, published: "2021-12-01",
		source: "https://mobile.interieur.gouv.fr/Interstats/Actualites/La-traite-des-etres-humains-en-France-le-profil-des-victimes-accompagnees-par-les-associations-en-2020"},
	{year: 2021, respondents: 44, identified: n(4868), supported: n(2872), forms: []*int{n(74), n(18), n(6), n(1), n(1)}, published: "2022-10-01",
		source: "https://contrelatraite.net/node/671",
		note:   "2 637 victimes exploitées au moins en partie en France."},
	{year: 2022, respondents: 81, identified: n(4363), supported: n(2994), forms: []*int{n(76), n(15), n(7), n(2), nil}, formOtherBelowOne: true, published: "2023-10-11",
		source: "https://www.interieur.gouv.fr/actualites/communiques-de-presse/traite-des-etres-humains-et-france-profil-des-victimes",
		note:   "Environ 81 associations répondantes selon le ministère de l'Intérieur (une autre page en compte 72) ; 2 675 victimes exploitées en France ; 82 % de femmes, 84 % d'adultes."},
	{year: 2023, respondents: 70, published: "2024-10-18",
		source: "https://www.droitdenfance.org/ressources/la-traite-des-etres-humains-en-france-le-profil-des-victimes-accompagnees-par-les-associations-en-2023/",
		note:   "Les chiffres de cette édition n'ont pas été repris ici."},
	{year: 2024, respondents: 44, identified: n(7285), supported: n(4823), forms: []*int{n(86), n(11), n(2), n(1), nil}, published: "2025-10-01",
		source: "http://origin-web.yenisafak.com/fr/international/traite-et-exploitation-detres-humains-plus-de-7-000-victimes-recensees-en-france-en-2024-48538",
		note:   "89 % de femmes."},
}

var formKeys = []string{"form_sexual", "form_labour", "form_crime", "form_begging", "form_other"}

func (p pastYear) publication() model.Publication {
	pub := model.Publication{Year: p.year, Respondents: p.respondents, Source: p.source,
		Note: "Chiffres publiés à l'époque, repris de la source citée. " + p.note}
	pub.Tables = []model.PublishedTable{{Key: "victims", Title: model.GroupTitle("victims"), Unit: "victimes", Cells: []model.PublishedCell{
		{Key: model.VarSupported, Label: model.VariableLabel(model.VarSupported), Value: p.supported},
		{Key: model.VarIdentified, Label: model.VariableLabel(model.VarIdentified), Value: p.identified},
	}}}
	if p.forms != nil {
		t := model.PublishedTable{Key: "form", Title: model.GroupTitle("form"), Unit: "%"}
		for i, key := range formKeys {
			c := model.PublishedCell{Key: key, Label: model.VariableLabel(key), Value: p.forms[i]}
			if key == "form_other" && p.formOtherBelowOne {
				c.Mark = "< 1"
			}
			t.Cells = append(t.Cells, c)
		}
		pub.Tables = append(pub.Tables, t)
	}
	return pub
}

// exampleCounts makes a consistent fictitious return of supported
// victims, forms giving the shares of sexual, labour, begging and criminal
// exploitation in per cent (the rest is « autre »).
func exampleCounts(supported int, forms []int) model.Counts {
	part := func(pc int) int { return supported * pc / 100 }
	c := model.Counts{model.VarIdentified: supported * 3 / 2, model.VarSupported: supported}
	split := func(keys []string, shares []int) {
		rest := supported
		for i, k := range keys[:len(keys)-1] {
			c[k] = part(shares[i])
			rest -= c[k]
		}
		c[keys[len(keys)-1]] = rest
	}
	split([]string{"form_sexual", "form_labour", "form_begging", "form_crime", "form_other"}, forms)
	split([]string{"sex_female", "sex_male"}, []int{80})
	split([]string{model.VarMinor, "adult"}, []int{15})
	split([]string{"origin_france", "origin_europe", "origin_africa", "origin_asia", "origin_americas", "origin_other"}, []int{10, 15, 55, 8, 9})
	split([]string{"place_france", "place_abroad"}, []int{90})
	c[model.VarComplaint] = part(25)
	c[model.VarMNA] = c[model.VarMinor] * 30 / 100
	return c
}

// exampleReturns are the fictitious returns of the open demo survey, by
// body slug: supported victims and who may read them.
var exampleReturns = []struct {
	body      string
	supported int
	forms     []int
	sharing   model.Sharing
}{
	{"ccem", 120, []int{10, 80, 5, 5}, model.SharingAggregate},
	{"secours-catholique", 340, []int{55, 25, 8, 10}, model.SharingStatisticians},
	{"mouvement-du-nid", 410, []int{100, 0, 0, 0}, model.SharingAggregate},
	{"amicale-du-nid", 260, []int{100, 0, 0, 0}, model.SharingAggregate},
	{"afj", 38, []int{100, 0, 0, 0}, model.SharingPublic},
}

// ensureObservatory loads the published national figures of 2015–2024 as
// past surveys (aggregates only, with their source) and an open survey on
// the data of 2025 with fictitious returns marked « exemple ». A year that
// exists is left as it is.
func ensureObservatory(ctx context.Context, tx *store.Store, bodies map[string]int64, now time.Time) error {
	for _, p := range pastYears {
		on, err := time.Parse(time.DateOnly, p.published)
		if err != nil {
			return fmt.Errorf("demo survey %d: %w", p.year, err)
		}
		if _, _, err := tx.ImportPublishedSurvey(ctx, p.publication(), on); err != nil {
			return err
		}
	}
	const openYear = 2025
	if _, err := tx.SurveyByYear(ctx, openYear); err == nil {
		return nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	opens, closes := now.AddDate(0, -1, 0), now.AddDate(0, 2, 0)
	id, err := tx.CreateSurvey(ctx, model.Survey{Year: openYear, OpensOn: &opens, ClosesOn: &closes})
	if err != nil {
		return err
	}
	for _, e := range exampleReturns {
		body, ok := bodies[e.body]
		if !ok {
			return fmt.Errorf("demo return: no body %q", e.body)
		}
		_, err := tx.SaveReturn(ctx, model.SurveyReturn{SurveyID: id, BodyID: body, State: model.ReturnSubmitted, Sharing: e.sharing,
			Counts: exampleCounts(e.supported, e.forms), Example: true}, 0, 0, now)
		if err != nil {
			return fmt.Errorf("demo return of %q: %w", e.body, err)
		}
	}
	return nil
}
