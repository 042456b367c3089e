// Package disclosure protects the observatory's published tables from
// disclosing a small group of victims or one association's figures:
// statistical disclosure control of counts, in the manner of τ-ARGUS and
// sdcTable, small enough to read. It is pure (standard library only).
//
// # The problem
//
// A Problem is every cell one publication shows, and the relations between
// them: a Cell is a count of victims (its true Value), the number of
// associations it comes from (Contributors) and, when known, the largest
// one's count (Largest); a Relation says that a total cell is the sum of
// its part cells. The tables of one year share cells (the grand total, the
// margins: form of exploitation × sex and form × minor share the counts by
// form), so the caller gives each shared cell once and the relations cross
// tables. An attacker is taken to know every shown value, every relation,
// every mark, and that counts are not negative.
//
//	p := disclosure.Problem{Cells: cells, Relations: relations}
//	r, err := disclosure.Suppress(p) // r.Status[i], r.Mark[i] for cell i
//	...
//	if err := disclosure.Check(p, r); err != nil { /* publish nothing */ }
//
// # Primary suppression
//
// Cell.Mark: a cell of 1 to 4 victims is shown « < 5 »; a cell from fewer
// than 3 associations, or (when Largest is given) where one association
// holds more than 85 %, is shown « s ». A zero is shown: no victim, no one
// to expose. A fixed cell (below) is already public.
//
// # Protection ranges
//
// Cell.Range: whatever the attacker combines, every value of the range
// must stay possible for a sensitive cell.
//
//   - A cell of 1 to 4 victims: 1 to 4. The figures tell nothing more than
//     « < 5 » says. Since the marks are knowledge too, « < 5 » is replaced
//     by « s » where the marks would narrow a cell (two « < 5 » cells and
//     their total 8 make both 4); Suppress decides where.
//   - Another sensitive cell: the value ± q, with q = max(3, ⌈20 % of the
//     largest contribution⌉) (the value when Largest is not given), not
//     below zero: the p%-rule with p = 20, as τ-ARGUS states it. A second
//     association of the cell, knowing its own count, cannot then estimate
//     the largest one's within 20 %.
//
// # Secondary suppression
//
// Suppress chooses more cells to suppress («s»), cheaply: for each
// sensitive cell and each end of its range, a linear programme finds the
// least costly change of the table that takes the cell there while every
// relation, non-negativity and every fixed cell hold (Fischetti and
// Salazar's scheme, used by τ-ARGUS and sdcTable); the shown cells it
// moves are suppressed. Moving a cell costs its value plus one per unit
// (small cells go first), a grand total a thousand times that (only when
// unavoidable), a cell already suppressed nothing, and taking a « < 5 »
// cell out of 1 to 4 the cost of replacing its mark by « s ». The
// programmes are local (the hypercube around the cell, then the margin
// and finer tables around it, then everything) and in floating point;
// Suppress ends by calling Check.
//
// # The check
//
// Check(p, r) is separate from the search and exact: for each sensitive
// cell it solves the attacker's two linear programmes (least and greatest
// value given what is shown) with a simplex in math/big.Rat, and returns an
// *UnsafeError naming each cell whose interval does not cover its range.
// A publication calls it and shows nothing it refuses. Intervals gives the
// exact interval of every cell. Integrality is relaxed to the reals: for
// one- and two-way tables with their margins (and the « < 5 » bounds) the
// constraints are totally unimodular, so the bounds are integers and
// nothing changes; in other linked tables an attacker who also uses
// integrality can be a little tighter than the check assumes.
//
// # Differencing with a previous publication
//
// When the year is published again (late or corrected returns), what the
// first publication showed must not be contradicted, and the difference
// between the two must expose neither the returns added since nor what a
// correction withdrew. The recipe, for every cell c of the year:
//
//   - c itself, as usual (its value now);
//   - c_before, its value at the previous publication: Fixed if that
//     publication showed it (public, never suppressed, never sensitive
//     now), else Hidden with ShownBefore set to the mark it had then;
//   - c_added and c_removed, the counts now and then of the returns that
//     came or changed since, with their associations: Hidden, no mark;
//   - the relation c = c_before + c_added − c_removed (Relation.Less);
//
// and the earlier, added and removed tables' own relations. Republish
// builds exactly this from the four problems. A sensitive c_added (two
// victims from the one association that answered late) or c_removed is
// then protected like any cell: c is suppressed unless something else
// hides it. Suppress fails, naming the cells, when the cells shown before
// pin a sensitive one whatever is suppressed now.
//
// # What is left out
//
//   - Integrality (above), and the attacker's own figures across cells:
//     the ranges guard a cell against an association that knows its own
//     count in that cell, not against one subtracting its counts from
//     several cells at once, nor against coalitions.
//   - An attacker could reason that a cell shown « s » is rarely 1 to 4
//     (those are mostly « < 5 »); the check does not use that.
//   - Suppress is a heuristic, like τ-ARGUS's: the pattern is safe (Check
//     proves it) but not the least possible; nested small cells lose their
//     « < 5 » for « s » often (see the benchmark's figures).
//
// # Running time
//
// BenchmarkSuppressYear (bench_test.go): a year of 1 986 cells and 1 441
// relations, the survey's variables crossed by form of exploitation and by
// sex, minor or region of origin, 44 associations, about 4 600 victims.
// 452 cells are sensitive (228 of their « < 5 » shown « s »), 438 more are
// suppressed. Suppress takes 10 to 13 s of processor time (28 to 58 s on the
// shared two-core machine, load 20), Check alone 0.6 to 2 s. A publication
// should run it in a background job, not in a request.
package disclosure
