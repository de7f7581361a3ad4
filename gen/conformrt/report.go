package conformrt

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteSummary writes the operations × checks table of the report and
// then every failure with a curl line that reproduces it.
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	mode := "read-only"
	if r.Mutating {
		mode = "mutating"
	}
	fmt.Fprintf(&b, "%s: %d server(s) %s", r.Role, len(r.Servers), strings.Join(r.Servers, ", "))
	if r.Primary != "" {
		fmt.Fprintf(&b, " (primary %s)", r.Primary)
	}
	fmt.Fprintf(&b, ", %s, %d cases: %d passed, %d failed, %d skipped, %s\n\n",
		mode, len(r.Results), r.Count(Pass), r.Count(Fail), r.Count(Skip), r.Duration.Round(time.Millisecond))
	type cell struct{ pass, fail, skip int }
	var rows []string
	cells := map[string]map[string]*cell{}
	for _, res := range r.Results {
		row := res.Operation
		if row == "" {
			row = "(any path)"
		}
		if cells[row] == nil {
			cells[row] = map[string]*cell{}
			rows = append(rows, row)
		}
		c := cells[row][res.Check]
		if c == nil {
			c = &cell{}
			cells[row][res.Check] = c
		}
		switch res.Outcome {
		case Pass:
			c.pass++
		case Fail:
			c.fail++
		case Skip:
			c.skip++
		}
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "operation")
	for _, c := range Checks {
		fmt.Fprint(tw, "\t"+c)
	}
	fmt.Fprintln(tw)
	for _, row := range rows {
		fmt.Fprint(tw, row)
		for _, check := range Checks {
			c := cells[row][check]
			switch {
			case c == nil:
				fmt.Fprint(tw, "\t·")
			case c.fail > 0:
				fmt.Fprintf(tw, "\tFAIL %d/%d", c.fail, c.pass+c.fail)
			case c.pass == 0:
				fmt.Fprint(tw, "\tskip")
			default:
				fmt.Fprintf(tw, "\tok %d", c.pass)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if len(r.Unreachable) > 0 {
		fmt.Fprintf(&b, "\nunreachable (not checked): %s\n", strings.Join(r.Unreachable, ", "))
	}
	if len(r.NotImplemented) > 0 {
		fmt.Fprintf(&b, "\nnot implemented (%d): %s\n", len(r.NotImplemented), strings.Join(r.NotImplemented, ", "))
	}
	r.writeSkips(&b)
	if r.Failed() {
		b.WriteString("\nfailures:\n")
		for _, res := range r.Results {
			if res.Outcome != Fail {
				continue
			}
			fmt.Fprintf(&b, "\n%s %s %s: %s\n    %s\n", res.Server, res.Check, res.Operation, res.Case, res.Message)
			if res.Curl != "" {
				fmt.Fprintf(&b, "    %s\n", res.Curl)
			} else if res.Request != "" {
				fmt.Fprintf(&b, "    request: %s\n", res.Request)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSkips lists every skipped case with its reason, once per reason
// and operation with the number of cases: a skip hides a check, so the
// reader must see why.
func (r *Report) writeSkips(b *strings.Builder) {
	count := map[string]int{}
	var lines []string
	for _, res := range r.Results {
		if res.Outcome != Skip || res.Check == CheckImplemented {
			continue
		}
		what := strings.TrimSpace(res.Check + " " + res.Operation)
		if c := strings.TrimSuffix(res.Case, "."); c != "" && c != "all" {
			what += " (" + c + ")"
		}
		line := what + ": " + res.Message
		if count[line] == 0 {
			lines = append(lines, line)
		}
		count[line]++
	}
	if len(lines) == 0 {
		return
	}
	n := 0
	for _, c := range count {
		n += c
	}
	fmt.Fprintf(b, "\nskipped (%d cases, for %d reasons):\n", n, len(lines))
	for _, l := range lines {
		if count[l] > 1 {
			fmt.Fprintf(b, "  %s (%d cases)\n", l, count[l])
		} else {
			fmt.Fprintf(b, "  %s\n", l)
		}
	}
}

// JUnitSuite is one check of one role as a JUnit <testsuite>.
type JUnitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []JUnitCase `xml:"testcase"`
}

// JUnitCase is one result as a JUnit <testcase>.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *JUnitFailure `xml:"failure,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
}

// JUnitFailure is why a case failed, with its curl line.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// JUnitSkipped is why a case was skipped.
type JUnitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnitSuites are the report's checks as JUnit suites, named
// <role>.<check>, for CI systems that show test results.
func (r *Report) JUnitSuites() []JUnitSuite {
	var out []JUnitSuite
	for _, check := range Checks {
		s := JUnitSuite{Name: r.Role + "." + check}
		for _, res := range r.Results {
			if res.Check != check {
				continue
			}
			// A class name's dots are package separators to CI viewers, so
			// the address's dots (and colon) must not split it.
			server := strings.NewReplacer(".", "_", ":", "_").Replace(res.Server)
			c := JUnitCase{Name: strings.TrimSpace(res.Operation + " " + res.Case), ClassName: r.Role + "." + check + "." + server}
			switch res.Outcome {
			case Fail:
				c.Failure = &JUnitFailure{Message: res.Message, Text: res.Curl}
				if c.Failure.Text == "" {
					c.Failure.Text = res.Request
				}
				s.Failures++
			case Skip:
				c.Skipped = &JUnitSkipped{Message: res.Message}
				s.Skipped++
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		if s.Tests > 0 {
			out = append(out, s)
		}
	}
	return out
}

// WriteJUnit writes the report as a JUnit XML document.
func (r *Report) WriteJUnit(w io.Writer) error {
	return WriteJUnitSuites(w, r.JUnitSuites())
}

// WriteJUnitSuites writes suites (of one or several roles) as one JUnit
// XML document.
func WriteJUnitSuites(w io.Writer, suites []JUnitSuite) error {
	doc := struct {
		XMLName xml.Name     `xml:"testsuites"`
		Suites  []JUnitSuite `xml:"testsuite"`
	}{Suites: suites}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
