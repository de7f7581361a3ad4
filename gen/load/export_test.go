package load

// Exported for the external tests, which build large specs with the
// benchmark's generator (package bench imports this one).
var (
	ParseSplit = parseSplit
	ParseWhole = parseWhole
	DecodeDoc  = decodeDoc
	Prepare    = prepare
)
