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
// When the year is published again (late returns), what the first
// publication showed must not be contradicted, and the difference between
// the two must not expose the returns added since. The recipe, for every
// cell c of the year:
//
//   - c itself, as usual (its new value);
//   - c_before, its value in the previous publication: Fixed if that
//     publication showed it (public, never suppressed, never sensitive
//     now), else Hidden with ShownBefore set to the mark it had then;
//   - c_added, the contribution of the returns added since (counted from
//     those returns alone, with their associations): Hidden, ShownBefore "";
//   - the relation c = c_before + c_added;
//
// and the previous publication's relations over the c_before cells. A
// sensitive c_added (two victims from the one association that answered
// late) is then protected like any cell: c is suppressed unless something
// else hides it. Suppress fails, naming the cells, when the cells shown
// before pin a sensitive one whatever is suppressed now. The recipe
// assumes returns are only added; a return corrected downwards makes a
// negative difference, which the problem cannot express (publish it as a
// new problem with the old figures hidden instead).
//
// # Running time
//
// BenchmarkSuppressYear: a year of about 2 000 cells, the survey's
// variables crossed by form of exploitation (see bench_test.go).
package disclosure
