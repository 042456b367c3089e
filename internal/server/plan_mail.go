package server

import (
	"fmt"

	"comite/internal/model"
)

// reviewMail tells the author of an update that the secretariat published
// it or returned it with a remark.
func reviewMail(author model.Account, m model.Measure, state model.UpdateState, remark, link string) (subject, text string) {
	if state == model.UpdatePublished {
		subject = "Mise à jour publiée : " + m.Label()
		text = fmt.Sprintf("Bonjour %s,\n\nLe secrétariat a validé votre mise à jour de la mesure « %s ». Elle figure désormais dans la chronologie de la mesure :\n%s\n", author.DisplayName, m.Label(), link)
	} else {
		subject = "Mise à jour à revoir : " + m.Label()
		text = fmt.Sprintf("Bonjour %s,\n\nLe secrétariat vous renvoie votre mise à jour de la mesure « %s » avec la remarque suivante :\n\n%s\n\nVous pouvez en soumettre une nouvelle depuis la page de la mesure :\n%s\n", author.DisplayName, m.Label(), remark, link)
	}
	if remark != "" && state == model.UpdatePublished {
		text += "\nRemarque du secrétariat : " + remark + "\n"
	}
	return subject, text + "\nLe secrétariat du comité de coordination\n"
}
