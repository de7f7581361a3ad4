package pegasusrt

import "net/http"

// The by-value parsers the tests use. Servers parse in place, into a
// request on their stack (rtRequest.parse, rtRequest.parseTarget); these
// copy the arguments out so that the result can be returned.

// rtParseRequest reproduces http_request::parse (http_server.cpp:168-262) on
// the undecoded path and query. The path must be the raw request path: a
// percent-escape is decoded here, before splitting, so "%2F" separates
// segments as it does on the real server. The whole query is decoded before
// it is split, so "%26" and "%3D" split too and '+' stays '+'. Bytes after
// a decoded NUL are ignored, because the C++ code splits the c_str().
// The returned error's text is the complete 400 body.
func rtParseRequest(rawPath, rawQuery string) (rtRequest, error) {
	var req rtRequest
	if err := req.parse(rawPath, rawQuery); err != nil {
		return rtRequest{}, err
	}
	req.more = append([]rtArg(nil), req.list()...)
	if len(req.more) == 0 {
		req.more = nil
	}
	return req, nil
}

// rtParseTarget parses the request-target as the client sent it. The raw
// RequestURI matters: the real server decodes the path before splitting it,
// so "%2F" separates segments, which net/http's already-decoded URL.Path
// would hide. Requests made in-process (no RequestURI) fall back to the URL.
func rtParseTarget(r *http.Request) (rtRequest, error) {
	var q rtRequest
	if err := q.parseTarget(r); err != nil {
		return rtRequest{}, err
	}
	q.more = append([]rtArg(nil), q.list()...)
	if len(q.more) == 0 {
		q.more = nil
	}
	return q, nil
}
