package export

import "time"

// The types below shape the public member list on the Popolo standard
// (https://www.popoloproject.com/specs/). They carry public fields only:
// never a person's e-mail, phone or title.

// PopoloMembers is the document served by the members API: the mandate in
// force on the requested day (nil when none) and the organizations,
// persons, posts and memberships of its open seats.
type PopoloMembers struct {
	Mandate       *PopoloMandate       `json:"mandate"`
	Organizations []PopoloOrganization `json:"organizations"`
	Persons       []PopoloPerson       `json:"persons"`
	Posts         []PopoloPost         `json:"posts"`
	Memberships   []PopoloMembership   `json:"memberships"`
}

// PopoloMandate is the committee term and the Journal officiel text that
// named its members. It is not a Popolo class; it gives the context.
type PopoloMandate struct {
	ID           string   `json:"id"`
	Label        string   `json:"label"`
	StartDate    string   `json:"start_date"`
	EndDate      *string  `json:"end_date"`
	JO           PopoloJO `json:"jo"`
	Illustrative bool     `json:"illustrative"`
}

// PopoloJO is the Journal officiel text of a mandate.
type PopoloJO struct {
	Title string  `json:"title"`
	Date  *string `json:"date"`
	NOR   string  `json:"nor"`
	JORF  string  `json:"jorf"`
	ELI   string  `json:"eli"`
}

// PopoloOrganization is a member body (Popolo Organization).
type PopoloOrganization struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	OtherNames     []PopoloOtherName `json:"other_names,omitempty"`
	Classification string            `json:"classification"`
	ParentID       string            `json:"parent_id,omitempty"`
	Links          []PopoloLink      `json:"links,omitempty"`
}

// PopoloOtherName is another name of an organization, such as its acronym.
type PopoloOtherName struct {
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
}

// PopoloLink is a URL about an object.
type PopoloLink struct {
	URL  string `json:"url"`
	Note string `json:"note,omitempty"`
}

// PopoloPerson is a seat holder, by name only (Popolo Person).
type PopoloPerson struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	GivenName       string `json:"given_name,omitempty"`
	FamilyName      string `json:"family_name,omitempty"`
	HonorificPrefix string `json:"honorific_prefix,omitempty"`
}

// PopoloPost is a seat: a position a body holds in the mandate (Popolo Post).
type PopoloPost struct {
	ID             string `json:"id"`
	Label          string `json:"label"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
}

// PopoloMembership is the holding of a seat over a period (Popolo
// Membership). PersonID is empty for a vacant seat.
type PopoloMembership struct {
	ID             string  `json:"id"`
	PersonID       string  `json:"person_id,omitempty"`
	OrganizationID string  `json:"organization_id"`
	PostID         string  `json:"post_id"`
	Role           string  `json:"role"`
	Label          string  `json:"label,omitempty"`
	StartDate      string  `json:"start_date"`
	EndDate        *string `json:"end_date"`
}

// Date formats a day as Popolo dates are written: YYYY-MM-DD.
func Date(t time.Time) string { return t.Format(time.DateOnly) }

// OptionalDate is Date for a day that may be unknown: nil stays nil (JSON null).
func OptionalDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := Date(*t)
	return &d
}
