package domain

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lookup finds the canonical ingredient for a name a person typed: "달걀", "Eggs",
// "대파 ", "다진 마늘", "돼지고기 앞다리살". Case, spacing, English plurals and decomposed
// Hangul do not matter. A name that is no alias but contains known ingredients resolves
// to the last of them, the head of a Korean or English compound ("감자 전분" is 전분).
func (l *Lexicon) Lookup(name string) (IngredientInfo, bool) {
	id, ok := l.lookupID(name)
	if !ok {
		return IngredientInfo{}, false
	}
	return l.info(id), true
}

func (l *Lexicon) lookupID(name string) (int, bool) {
	k := strings.TrimFunc(foldKey(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if k == "" {
		return -1, false
	}
	for _, try := range []string{k, strings.ReplaceAll(k, " ", ""), singular(k)} {
		if id, ok := l.keys[try]; ok {
			return id, true
		}
	}
	last := -1
	l.scan(k, func(id int) { last = id })
	return last, last >= 0
}

// singular strips an English plural ending from the last word: "tomatoes", "berries".
func singular(k string) string {
	switch {
	case strings.HasSuffix(k, "ies"):
		return strings.TrimSuffix(k, "ies") + "y"
	case strings.HasSuffix(k, "oes"), strings.HasSuffix(k, "ches"), strings.HasSuffix(k, "shes"):
		return strings.TrimSuffix(k, "es")
	}
	return strings.TrimSuffix(k, "s")
}

func (l *Lexicon) info(id int) IngredientInfo {
	info := l.infos[id]
	info.Allergens = slices.Clone(info.Allergens)
	return info
}

// Mentions returns every known ingredient named in free text such as "돼지고기 앞다리살
// 200g" or "2 eggs, beaten", once each, in order of first mention. At each place the
// longest name wins ("김치" is not "김"); a one-syllable Korean name (무, 배, 김 …) counts
// only as a whole word, particles allowed ("무를"), and an English name only as a whole
// word, plurals allowed ("egg" is not in "eggplant").
func (l *Lexicon) Mentions(text string) []IngredientInfo {
	var ids []int
	l.scan(foldKey(text), func(id int) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	})
	out := make([]IngredientInfo, len(ids))
	for i, id := range ids {
		out[i] = l.info(id)
	}
	return out
}

// scan calls found for each ingredient named in the folded text t, left to right.
func (l *Lexicon) scan(t string, found func(id int)) {
	l.scanAt(t, func(id, _ int) { found(id) })
}

// scanAt is scan that also says at which byte of t each name starts.
func (l *Lexicon) scanAt(t string, found func(id, at int)) {
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		end := -1
		for _, p := range l.patterns.at(r) {
			if e, ok := p.matchAt(t, i); ok {
				found(p.id, i)
				end = e
				break
			}
		}
		if end > i {
			i = end
		} else {
			i += size
		}
	}
}

// patternIndex holds the patterns by their first rune. The runes of nearly every line,
// ASCII and Hangul syllables, find theirs through a table rather than a map, since scan
// asks at every rune of the text.
type patternIndex struct {
	slot   []uint16    // by tableIndex: 1 + the index of the rune's patterns in groups, 0 for none
	groups [][]pattern // each sorted longest first
	other  map[rune][]pattern
}

// tableIndex is r's place in patternIndex.slot, or -1 when r has none.
func tableIndex(r rune) int {
	switch {
	case r < utf8.RuneSelf:
		return int(r)
	case isHangul(r):
		return utf8.RuneSelf + int(r-0xac00)
	}
	return -1
}

func newPatternIndex(byRune map[rune][]pattern) patternIndex {
	x := patternIndex{slot: make([]uint16, utf8.RuneSelf+0xd7a4-0xac00), other: map[rune][]pattern{}}
	for r, ps := range byRune {
		i := tableIndex(r)
		if i < 0 {
			x.other[r] = ps
			continue
		}
		n := len(x.groups) + 1
		if n > math.MaxUint16 { // cannot happen: the table has fewer places
			panic("domain: more pattern groups than a slot can name")
		}
		x.groups = append(x.groups, ps)
		x.slot[i] = uint16(n)
	}
	return x
}

// at returns the patterns that start with r, longest first.
func (x *patternIndex) at(r rune) []pattern {
	if i := tableIndex(r); i >= 0 {
		if g := x.slot[i]; g > 0 {
			return x.groups[g-1]
		}
		return nil
	}
	return x.other[r]
}

// matchAt reports whether p occurs in t at byte i with the boundaries it needs, and where
// the match (with any plural ending) ends.
func (p pattern) matchAt(t string, i int) (int, bool) {
	if !strings.HasPrefix(t[i:], p.text) {
		return 0, false
	}
	end := i + len(p.text)
	before, _ := utf8.DecodeLastRuneInString(t[:i])
	after, _ := utf8.DecodeRuneInString(t[end:])
	switch {
	case p.singleChar:
		if i > 0 && isHangul(before) {
			return 0, false
		}
		rest := t[end:]
		if j := strings.IndexFunc(rest, func(r rune) bool { return !isHangul(r) }); j >= 0 {
			rest = rest[:j]
		}
		return end + len(rest), rest == "" || slices.Contains(particles, rest)
	case p.wordStart && i > 0 && isLatin(before):
		return 0, false
	case p.wordEnd && end < len(t) && isLatin(after):
		for _, plural := range []string{"s", "es"} {
			if !strings.HasPrefix(t[end:], plural) {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(t[end+len(plural):]); !isLatin(next) {
				return end + len(plural), true
			}
		}
		return 0, false
	}
	return end, true
}

// particles may follow a one-syllable ingredient name: "무를", "밥과", "김으로".
var particles = []string{"은", "는", "이", "가", "을", "를", "도", "만", "과", "와", "에", "의", "로", "으로", "랑", "이랑", "하고", "에는", "까지"}

// termPattern is the pattern of a folded term that in looks for: term, as whole words
// when it begins or ends in Latin script.
func termPattern(term string) pattern {
	first, _ := utf8.DecodeRuneInString(term)
	last, _ := utf8.DecodeLastRuneInString(term)
	return pattern{text: term, wordStart: isLatin(first), wordEnd: isLatin(last)}
}

// in reports whether the folded text t (canonical names are folded) contains p's term:
// anywhere for Korean, as whole words (plurals allowed) for Latin script, so "egg" is not
// in "eggplant".
func (p pattern) in(t string) bool {
	if p.text == "" || len(t) < len(p.text) {
		return false
	}
	for i := 0; i < len(t); {
		j := strings.Index(t[i:], p.text)
		if j < 0 {
			return false
		}
		if _, ok := p.matchAt(t, i+j); ok {
			return true
		}
		_, size := utf8.DecodeRuneInString(t[i+j:])
		i += j + size
	}
	return false
}

// foldKey is the form names are compared in: decomposed Hangul composed, lower case,
// white space folded into single spaces and trimmed.
func foldKey(s string) string {
	if isFolded(s) {
		return s
	}
	return strings.Join(strings.Fields(strings.ToLower(composeHangul(s))), " ")
}

// isFolded reports whether foldKey would return s unchanged, cheaply: most names and
// lines are already folded.
func isFolded(s string) bool {
	space := true // at the start, or after a space
	for _, r := range s {
		switch {
		case r == ' ' && space:
			return false
		case r == ' ':
			space = true
			continue
		case isHangul(r):
		case r < utf8.RuneSelf && ('A' <= r && r <= 'Z' || r < ' ' || r == 0x7f):
			return false
		case r >= utf8.RuneSelf && (unicode.IsSpace(r) || unicode.ToLower(r) != r || (r >= 0x1100 && r <= 0x11ff)):
			return false
		}
		space = false
	}
	return !space || s == ""
}

// composeHangul turns conjoining jamo (as some keyboards and file systems send them) into
// precomposed syllables, which is what the data uses.
func composeHangul(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x1100 && r <= 0x11ff }) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		lead := rs[i] - 0x1100
		if lead < 0 || lead >= 19 || i+1 >= len(rs) || rs[i+1] < 0x1161 || rs[i+1] > 0x1175 {
			b.WriteRune(rs[i])
			continue
		}
		syllable := 0xac00 + (lead*21+rs[i+1]-0x1161)*28
		i++
		if i+1 < len(rs) && rs[i+1] > 0x11a7 && rs[i+1] <= 0x11c2 {
			syllable += rs[i+1] - 0x11a7
			i++
		}
		b.WriteRune(syllable)
	}
	return b.String()
}

func isHangul(r rune) bool { return r >= 0xac00 && r <= 0xd7a3 }

func isLatin(r rune) bool { return r < 0x250 && unicode.IsLetter(r) }
