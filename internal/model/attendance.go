package model

// BodyAttendance is how one member body stands for a meeting: its invited
// people, what they answered and who came.
type BodyAttendance struct {
	BodyID   int64
	BodyName string
	Category Category
	People   []Attendee
	// Expected: someone said they would come, or the titulaire is represented.
	Expected bool
	// Excused: everyone invited for the body excused themselves.
	Excused bool
	Present bool
}

// CategoryAttendance counts the bodies of one category.
type CategoryAttendance struct {
	Category                                     Category
	Bodies, Expected, Excused, NoAnswer, Present int
}

// AttendanceSummary is a meeting's answers and attendance, counted by body
// since the quorum counts bodies, not people.
type AttendanceSummary struct {
	Invited, Attending, Excused, Represented, NoAnswer int
	// Recorded is set once the secretariat has recorded who came.
	Recorded      bool
	PeoplePresent int
	BodiesPresent int
	Quorum        int
	ByCategory    []CategoryAttendance
	ByBody        []BodyAttendance
	// Guests are invitees who held no seat on the meeting's day.
	Guests []Attendee
}

// QuorumReached reports whether enough bodies were represented; true when
// the mandate sets no quorum.
func (s AttendanceSummary) QuorumReached() bool { return s.BodiesPresent >= s.Quorum }

// Summarize counts the attendees. People who held no seat that day (guests)
// count as people but belong to no body.
func Summarize(attendees []Attendee, quorum int) AttendanceSummary {
	s := AttendanceSummary{Invited: len(attendees), Quorum: quorum}
	index := map[int64]int{}
	for _, a := range attendees {
		switch a.Answer {
		case AnswerAttending:
			s.Attending++
		case AnswerExcused:
			s.Excused++
		case AnswerRepresented:
			s.Represented++
		default:
			s.NoAnswer++
		}
		if a.Present != nil {
			s.Recorded = true
		}
		if a.WasPresent() {
			s.PeoplePresent++
		}
		if a.SeatRole == "" || a.BodyID == 0 {
			s.Guests = append(s.Guests, a)
			continue
		}
		i, ok := index[a.BodyID]
		if !ok {
			i = len(s.ByBody)
			index[a.BodyID] = i
			s.ByBody = append(s.ByBody, BodyAttendance{BodyID: a.BodyID, BodyName: a.BodyName, Category: a.Category, Excused: true})
		}
		b := &s.ByBody[i]
		b.People = append(b.People, a)
		b.Expected = b.Expected || a.Answer == AnswerAttending || a.Answer == AnswerRepresented
		b.Excused = b.Excused && a.Answer == AnswerExcused
		b.Present = b.Present || a.WasPresent()
	}
	for _, c := range Categories {
		ca := CategoryAttendance{Category: c}
		for _, b := range s.ByBody {
			if b.Category != c {
				continue
			}
			ca.Bodies++
			switch {
			case b.Expected:
				ca.Expected++
			case b.Excused:
				ca.Excused++
			default:
				ca.NoAnswer++
			}
			if b.Present {
				ca.Present++
				s.BodiesPresent++
			}
		}
		if ca.Bodies > 0 {
			s.ByCategory = append(s.ByCategory, ca)
		}
	}
	return s
}

// AttendanceRate is how often a body was represented at the meetings held
// while it sat in one mandate.
type AttendanceRate struct {
	MandateID    int64
	MandateLabel string
	Held         int
	Attended     int
}

// Percent is the rate rounded to the nearest whole percent; 0 when no
// meeting was held.
func (r AttendanceRate) Percent() int {
	if r.Held == 0 {
		return 0
	}
	return (200*r.Attended + r.Held) / (2 * r.Held)
}
