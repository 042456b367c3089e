package model

import (
	"testing"
	"time"
)

func TestConsultationAt(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	december := ConsultationWindow{ID: 1, OpensAt: day(1), ClosesAt: day(31)}
	later := ConsultationWindow{ID: 2, OpensAt: day(20), ClosesAt: day(25)}
	tests := []struct {
		name      string
		own, axis []ConsultationWindow
		now       time.Time
		open      bool
		window    int64
		upcoming  bool
	}{
		{"no window: open", nil, nil, day(5), true, 0, false},
		{"inside the axis's window", nil, []ConsultationWindow{december}, day(5), true, 1, false},
		{"before it: upcoming", nil, []ConsultationWindow{later}, day(5), false, 2, true},
		{"the measure's own windows override the axis's", []ConsultationWindow{later}, []ConsultationWindow{december}, day(5), false, 2, true},
		{"after the last: closed since its end", []ConsultationWindow{later}, nil, day(28), false, 2, false},
		{"the closing instant is outside", []ConsultationWindow{later}, nil, day(25), false, 2, false},
	}
	for _, tt := range tests {
		c := ConsultationAt(tt.own, tt.axis, tt.now)
		var id int64
		if c.Window != nil {
			id = c.Window.ID
		}
		if c.Open != tt.open || id != tt.window || c.Upcoming != tt.upcoming {
			t.Errorf("%s: got open %v window %d upcoming %v", tt.name, c.Open, id, c.Upcoming)
		}
	}
}

func TestOpenToReplies(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	thread := Comment{ID: 1, State: CommentPublished}
	hidden, withdrawn, pending, reply := thread, thread, thread, thread
	hidden.HiddenAt = &now
	withdrawn.WithdrawnAt = &now
	pending.State = CommentPending
	reply.ParentID = 7
	for _, tc := range []struct {
		name string
		c    Comment
		want bool
	}{
		{"a published thread", thread, true},
		{"a hidden comment", hidden, false},
		{"a withdrawn comment", withdrawn, false},
		{"a pending comment", pending, false},
		{"a reply (one level deep)", reply, false},
	} {
		if got := tc.c.OpenToReplies(); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRoleNeedsBody(t *testing.T) {
	for r, want := range map[Role]bool{RoleSecretariat: false, RolePilot: true, RoleMember: true} {
		if got := r.NeedsBody(); got != want {
			t.Errorf("%s: got %v, want %v", r, got, want)
		}
	}
}
