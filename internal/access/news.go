package access

import (
	"slices"
	"time"

	"comite/internal/model"
)

// CanManageNews reports whether v may write, schedule, link and delete
// articles, and see drafts and scheduled articles.
func CanManageNews(v Viewer) bool { return v.IsSecretariat() }

// NewsLevels is the set of article audiences v may read: the public reads
// public articles, every signed-in account members' articles too.
func NewsLevels(v Viewer) []model.Visibility {
	if v.SignedIn() {
		return []model.Visibility{model.VisibilityPublic, model.VisibilityMembers}
	}
	return []model.Visibility{model.VisibilityPublic}
}

// CanSeeNews reports whether v may read article a at time now: the
// secretariat always (drafts and scheduled articles included); anyone else
// once it is published, if it is written for them.
func CanSeeNews(v Viewer, a model.NewsArticle, now time.Time) bool {
	if CanManageNews(v) {
		return true
	}
	return a.PublishedBy(now) && slices.Contains(NewsLevels(v), a.Visibility)
}

// NewsExistenceIsPrivate reports whether a refused viewer must not even
// learn that a exists: a draft or a scheduled article answers 404, a
// published members' article sends the public to sign in.
func NewsExistenceIsPrivate(a model.NewsArticle, now time.Time) bool {
	return !a.PublishedBy(now)
}

// CanFollowNewsLink reports whether v may see the target of an article's
// internal link; the article shows the others without their title.
func CanFollowNewsLink(v Viewer, l model.NewsLink, now time.Time) bool {
	switch l.TargetType {
	case model.LinkMandate, model.LinkMeasure:
		return Allows(v, ReadPublic)
	case model.LinkMeeting:
		return l.Meeting != nil && CanSeeMeeting(v, *l.Meeting, now)
	case model.LinkDocument:
		return l.Document != nil && CanSeeDocument(v, *l.Document, now)
	}
	return false
}

// CanReceiveNewsByMail reports whether an account may choose to receive
// the articles by mail: any signed-in account, since every article is
// written for the public or for members.
func CanReceiveNewsByMail(v Viewer) bool { return v.SignedIn() }
