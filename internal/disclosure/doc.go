// Package disclosure protects the observatory's published tables:
// statistical disclosure control of counts of victims, in the manner of
// τ-ARGUS and sdcTable, small enough to read.
//
// A Problem is every cell one publication shows (a count, the number of
// associations it comes from, optionally the largest one's share) and the
// relations between them (a total is the sum of its parts). Tables of the
// same year share cells (the year's grand total, the margins), so the
// relations cross tables; the caller gives each shared cell once.
//
// Suppress applies the primary rules (Cell.Mark: 1 to 4 victims is « < 5 »,
// fewer than 3 associations is « s ») and then chooses secondary
// suppressions so that no sensitive cell can be worked out from what is
// shown. Check proves it, separately, by exact linear programming; a
// publication calls Check and shows nothing it refuses.
package disclosure
