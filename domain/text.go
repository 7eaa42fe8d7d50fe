package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLength is the longest free-text value, counted in characters (code points).
const MaxTextLength = 50

// cleanText trims s, folds inner runs of white space into one space and reports whether
// it is valid UTF-8 free of control characters.
func cleanText(s string) (string, bool) {
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
