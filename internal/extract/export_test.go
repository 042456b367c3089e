package extract

// SetMaxXML sets the cap on inflated bytes for a test and returns a function
// that restores it.
func SetMaxXML(n int64) (restore func()) {
	old := maxXML
	maxXML = n
	return func() { maxXML = old }
}
