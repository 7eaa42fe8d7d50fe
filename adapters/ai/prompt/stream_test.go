package prompt_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/domain"
)

// record feeds text to a StreamParser in the given chunks and returns what it emitted,
// as kind/name or "reset", each with how many bytes had been written when it came, and
// the parser's final result.
func record(t testing.TB, chunks []string) (events []string, at []int, res domain.Result, err error) {
	t.Helper()
	written := 0
	p := prompt.NewStreamParser(func(ev prompt.Event) {
		if ev.Reset {
			events = append(events, "reset")
		} else {
			events = append(events, string(ev.Kind)+"/"+ev.Recipe.Name)
		}
		at = append(at, written)
	})
	for _, c := range chunks {
		// Bytes count as written once the chunk is: an event during this Write comes at
		// its end at the latest.
		written += len(c)
		if err := p.Write(c); err != nil {
			t.Fatalf("Write() error = %v", err)
		}
	}
	res, err = p.Close()
	return events, at, res, err
}

// bytewise cuts text into chunks of one byte each, splitting every multi-byte character.
func bytewise(text string) []string {
	out := make([]string, len(text))
	for i := range len(text) {
		out[i] = text[i : i+1]
	}
	return out
}

// randomCuts cuts text at random places, anywhere.
func randomCuts(text string, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed))
	var out []string
	for len(text) > 0 {
		n := min(1+r.IntN(12), len(text))
		out = append(out, text[:n])
		text = text[n:]
	}
	return out
}

// hostile is an answer with escapes, quotes, unicode escapes and Korean text in every
// field, so that cuts fall inside them.
func hostile() aitest.Answer {
	a := aitest.ValidAnswer()
	a.Existing[0].Description = `"폭신한" 계란말이 \ 아이도 좋아하는 맛 & <반찬>`
	a.Existing[1].Instructions = "1. 김치를 썬다.\n2. 밥과 볶는다.\t\"완성\"\n3. 🍳 계란을 올린다."
	a.Additional[0].Name = "김치전 (바삭)"
	return a
}

var allRecipes = []string{
	"existing/계란말이", "existing/김치볶음밥", "existing/대파계란국", "additional/김치전", "additional/김치두부덮밥",
}

func TestStreamParserEmitsEachRecipeAtItsClosingBrace(t *testing.T) {
	text := "네, 만들어 드릴게요 {잠시만요}.\n```json\n" + hostile().JSON() + "\n```\n맛있게 드세요!"
	events, at, res, err := record(t, bytewise(text))
	if err != nil {
		t.Fatalf("Close() error = %v", err)
	}
	want := slicesReplace(allRecipes, 3, "additional/김치전 (바삭)")
	if diff := cmp.Diff(want, events); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	// Each recipe is emitted as soon as the byte that closes it is written: its end is
	// right before the next recipe or the end of its list.
	body := hostile()
	ends := []string{
		body.Existing[0].Instructions, body.Existing[1].Instructions, body.Existing[2].Instructions,
		body.Additional[0].Instructions, body.Additional[1].Instructions,
	}
	from := 0
	for i, instr := range ends {
		quoted := strings.Trim(jsonString(instr), `"`)
		end := strings.Index(text[from:], quoted) + from + len(quoted) + len(`"}`)
		if at[i] != end {
			t.Errorf("%s emitted after %d bytes, want right after its closing brace at %d", events[i], at[i], end)
		}
		from = end
	}
	if diff := cmp.Diff(aitest.Names(res), [2][]string{{"계란말이", "김치볶음밥", "대파계란국"}, {"김치전 (바삭)", "김치두부덮밥"}}); diff != "" {
		t.Errorf("Close() names (-want +got):\n%s", diff)
	}
}

func TestStreamParserIgnoresWhereTheChunksAreCut(t *testing.T) {
	texts := map[string]string{
		"plain":            hostile().JSON(),
		"fenced":           "```json\n" + hostile().JSON() + "\n```",
		"chatter":          "Sure {here} you go: " + hostile().JSON() + " Enjoy {your meal}!",
		"wrapped":          `{"recipes": ` + hostile().JSON() + `}`,
		"wrapped and more": `{"recipes": ` + hostile().JSON() + `, "note": "x"}`,
		"pretty":           prettyJSON(hostile()),
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			whole, _, wantRes, wantErr := record(t, []string{text})
			if wantErr != nil || len(whole) != 5 {
				t.Fatalf("whole text: events %q, error %v; want the 5 recipes", whole, wantErr)
			}
			chunkings := map[string][]string{"bytewise": bytewise(text), "runewise": runewise(text)}
			for seed := range uint64(20) {
				chunkings["random "+string(rune('a'+seed))] = randomCuts(text, seed)
			}
			for how, chunks := range chunkings {
				got, _, res, err := record(t, chunks)
				if diff := cmp.Diff(whole, got); diff != "" || err != nil {
					t.Errorf("%s: events (-whole +%s), error %v:\n%s", how, how, err, diff)
				}
				if diff := cmp.Diff(wantRes, res); diff != "" {
					t.Errorf("%s: Close() result (-whole +%s):\n%s", how, how, diff)
				}
			}
		})
	}
}

func TestStreamParserSettlesOnTheWholeAnswer(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	other := aitest.ValidAnswer()
	other.Existing[0].Name = "다른 계란말이"
	cutAfterTwo := valid[:strings.Index(valid, "대파계란국")]
	tests := []struct {
		name    string
		give    string
		want    []string
		wantErr bool
	}{
		{name: "truncated", give: cutAfterTwo, want: []string{"existing/계란말이", "existing/김치볶음밥", "reset"}, wantErr: true},
		{
			name: "a fenced answer after an unfenced one takes precedence",
			give: valid + "\n```json\n" + other.JSON() + "\n```",
			want: append(append(slicesClone(allRecipes), "reset", "existing/다른 계란말이"), allRecipes[1:]...),
		},
		{
			name: "a broken object, then the answer",
			give: cutAfterTwo + "}}} oops " + valid,
			want: allRecipes,
		},
		{
			name: "an answer missing a field",
			give: strings.Replace(valid, `"difficulty":"medium",`, "", 1),
			want: append(slicesClone(allRecipes[:3]), "reset"), wantErr: true,
		},
		{
			name: "a list key written twice: the later list counts",
			give: `{"existingIngredientsRecipes": [` + recipeJSON("첫째") + `], "additionalIngredientsRecipes": [], "existingIngredientsRecipes": [` + recipeJSON("둘째") + `]}`,
			want: []string{"existing/첫째", "reset", "existing/둘째"},
		},
		{
			name: "the exact key wins over another spelling",
			give: `{"ExistingIngredientsRecipes": [` + recipeJSON("대문자") + `], "existingIngredientsRecipes": [` + recipeJSON("정확") + `], "additionalIngredientsRecipes": []}`,
			want: []string{"existing/대문자", "reset", "existing/정확"},
		},
		{name: "a poem", give: "Roses are red, kimchi is too.", want: nil, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, _, _, err := record(t, bytewise(tt.give))
			if diff := cmp.Diff(tt.want, events); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("Close() error = %v, want error %t", err, tt.wantErr)
			}
		})
	}
}

func TestStreamParserRefusesAnOverlongAnswer(t *testing.T) {
	p := prompt.NewStreamParser(func(prompt.Event) {})
	chunk := strings.Repeat("가", 1<<16)
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		err = p.Write(chunk)
	}
	if err == nil {
		t.Fatal("Write() of more than 1 MiB error = nil, want a refusal")
	}
	if _, err := p.Close(); err == nil {
		t.Error("Close() of an overlong answer error = nil")
	}
}

func runewise(text string) []string {
	var out []string
	for len(text) > 0 {
		_, n := utf8.DecodeRuneInString(text)
		out = append(out, text[:n])
		text = text[n:]
	}
	return out
}

func recipeJSON(name string) string {
	return `{"name": "` + name + `", "description": "d", "difficulty": "easy", "cookingTime": 10, "servings": 2, "ingredients": ["계란"], "instructions": "1. 굽는다"}`
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

func slicesReplace(s []string, i int, v string) []string {
	out := slicesClone(s)
	out[i] = v
	return out
}

// jsonString encodes s as Answer.JSON does.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func prettyJSON(a aitest.Answer) string {
	b, _ := json.MarshalIndent(a, "", "  ")
	return string(b)
}
