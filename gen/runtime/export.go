package pegasusrt

// TableString quotes s as the real server's table_printer does. The
// generator uses it for the help index file and the API reference, so that
// the bytes it writes there come from the same code the generated servers
// run. (This file is not copied into generated packages.)
func TableString(s string) string {
	return string(rtAppendQuoted(nil, s, false))
}
