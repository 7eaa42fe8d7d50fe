package domain

import "testing"

func TestCleanTextFastPathAgreesWithSlowPath(t *testing.T) {
	tests := []string{"", "계란", "green onion", " 계란", "계란 ", "계  란", "a\tb", "\t대파\n", "x\x00y", "\u0085", "é", "\xff", "a\u00a0b", "\ufffd"}
	for _, give := range tests {
		gotS, gotOK := cleanText(give)
		wantS, wantOK := foldText(give)
		if gotS != wantS || gotOK != wantOK {
			t.Errorf("cleanText(%q) = %q, %v; want %q, %v", give, gotS, gotOK, wantS, wantOK)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"계란", " a  b ", "x\ty", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gotS, gotOK := cleanText(s)
		wantS, wantOK := foldText(s)
		if gotS != wantS || gotOK != wantOK {
			t.Errorf("cleanText(%q) = %q, %v; want %q, %v", s, gotS, gotOK, wantS, wantOK)
		}
	})
}
