package deployments

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// directive is one nginx directive: its name, arguments and, for a block, its children.
type directive struct {
	name  string
	args  []string
	block []directive
	line  int
}

// parseNginx reads nginx configuration syntax: words and quoted strings, ending in ';'
// or opening a '{' block; '#' starts a comment. Include files are not followed. It is
// enough to look up directives; nginx -t is what judges the file.
func parseNginx(src string) ([]directive, error) {
	toks, err := nginxTokens(src)
	if err != nil {
		return nil, err
	}
	pos := 0
	var parse func(depth int) ([]directive, error)
	parse = func(depth int) ([]directive, error) {
		var out []directive
		var cur []ngxToken
		for pos < len(toks) {
			tk := toks[pos]
			pos++
			switch {
			case tk.punct && tk.text == ";":
				if len(cur) == 0 {
					return nil, fmt.Errorf("line %d: empty directive", tk.line)
				}
				out = append(out, directive{name: cur[0].text, args: texts(cur[1:]), line: cur[0].line})
				cur = nil
			case tk.punct && tk.text == "{":
				if len(cur) == 0 {
					return nil, fmt.Errorf("line %d: block without a name", tk.line)
				}
				block, err := parse(depth + 1)
				if err != nil {
					return nil, err
				}
				out = append(out, directive{name: cur[0].text, args: texts(cur[1:]), block: block, line: cur[0].line})
				cur = nil
			case tk.punct && tk.text == "}":
				if depth == 0 || len(cur) > 0 {
					return nil, fmt.Errorf("line %d: unexpected }", tk.line)
				}
				return out, nil
			default:
				cur = append(cur, tk)
			}
		}
		if depth > 0 || len(cur) > 0 {
			return nil, fmt.Errorf("unexpected end of file")
		}
		return out, nil
	}
	return parse(0)
}

type ngxToken struct {
	text  string
	punct bool
	line  int
}

func texts(ts []ngxToken) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.text
	}
	return out
}

func nginxTokens(src string) ([]ngxToken, error) {
	var toks []ngxToken
	line := 1
	rs := []rune(src)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\n':
			line++
		case unicode.IsSpace(r):
		case r == '#':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			i--
		case r == ';' || r == '{' || r == '}':
			toks = append(toks, ngxToken{text: string(r), punct: true, line: line})
		case r == '\'' || r == '"':
			start := line
			var b strings.Builder
			for i++; i < len(rs) && rs[i] != r; i++ {
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
				}
				if rs[i] == '\n' {
					line++
				}
				b.WriteRune(rs[i])
			}
			if i == len(rs) {
				return nil, fmt.Errorf("line %d: unterminated string", start)
			}
			toks = append(toks, ngxToken{text: b.String(), line: start})
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune(";{}", rs[j]) {
				j++
			}
			toks = append(toks, ngxToken{text: string(rs[i:j]), line: line})
			i = j - 1
		}
	}
	return toks, nil
}

// get returns the first directive of a block with that name whose arguments start with
// args.
func get(block []directive, name string, args ...string) (directive, bool) {
	for _, d := range block {
		if d.name == name && len(d.args) >= len(args) && equalStrings(d.args[:len(args)], args) {
			return d, true
		}
	}
	return directive{}, false
}

func all(block []directive, name string) []directive {
	var out []directive
	for _, d := range block {
		if d.name == name {
			out = append(out, d)
		}
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// nginxDuration reads an nginx time in the units Go shares with it (ms, s, m, h, as in
// 70s, 1h or 1m30s); a bare number is seconds.
func nginxDuration(s string) (time.Duration, error) {
	if strings.Trim(s, "0123456789") == "" {
		s += "s"
	}
	return time.ParseDuration(s)
}
