package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLength is the longest free-text value, counted in characters (code points).
const MaxTextLength = 50

// cleanText trims s, folds inner runs of white space into one space and reports whether
// it is valid UTF-8 free of control characters (tabs and line breaks are only allowed at
// the ends, where they are trimmed). Text that needs no change is returned as it is.
func cleanText(s string) (string, bool) {
	if tidy(s) {
		return s, true
	}
	return foldText(s)
}

// tidy reports whether s is valid, printable text with single spaces between words and
// none at the ends, the common case, in one pass without allocating.
func tidy(s string) bool {
	space := true // a space at the start is not tidy
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || (c == ' ' && space) {
				return false
			}
			space = c == ' '
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
		space = false
		i += w
	}
	return !space || s == ""
}

// foldText is cleanText's slow path.
func foldText(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return "", false
		}
	}
	if strings.ContainsAny(strings.TrimSpace(s), "\t\n\r") {
		return "", false
	}
	return strings.Join(strings.Fields(s), " "), true
}

// textKey is the form two texts are compared in when duplicates collapse.
func textKey(s string) string { return strings.ToLower(s) }

// length counts characters, not bytes.
func length(s string) int { return utf8.RuneCountInString(s) }
