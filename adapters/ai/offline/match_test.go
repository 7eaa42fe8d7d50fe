package offline

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

func FuzzMatch(f *testing.F) {
	f.Add("계란,대파,밥", "", "", "", 0, 0, false)
	f.Add("김치,돼지고기,두부", "vegan", "한식", "땅콩,갑각류", 10, 4, true)
	f.Add("eggs,green onions,rice,pork belly", "pescatarian", "japanese", "dairy", 30, 1, true)
	f.Add("감자,양파,당근,애호박,두부,버섯", "채식", "양식", "밀,대두", 20, 20, false)
	f.Add("참치캔,마요네즈,밥,김", "keto", "mexican", "egg,fish", 600, 3, false)
	f.Add("소금,후추,물", "", "", "소금", 5, 2, false)
	g := New(WithClock(func() time.Time { return testNow }))
	f.Fuzz(func(t *testing.T, ingredients, dietary, cuisine, allergies string, maxTime, servings int, english bool) {
		prefs := domain.Preferences{Dietary: dietary, Cuisine: cuisine, MaxCookingTime: maxTime, Servings: servings}
		if allergies != "" {
			prefs.Allergies = strings.Split(allergies, ",")
		}
		if english {
			prefs.Language = domain.English
		}
		req, err := domain.NewGenerationRequest("fuzz", strings.Split(ingredients, ","), prefs)
		if err != nil {
			return // only valid requests reach a generator
		}
		res, err := g.Generate(context.Background(), req)
		if err != nil {
			t.Fatalf("Generate(%+v) error = %v", req, err)
		}
		checkFits(t, g.lex, req, res)
	})
}

// benchRequest is the fridge of shared/bench-payload.json.
func benchRequest(tb testing.TB) domain.GenerationRequest {
	return request(tb, []string{"계란", "대파", "김치", "밥", "양파", "돼지고기", "두부", "고추장", "간장", "참기름", "마늘"},
		domain.Preferences{Dietary: "none", Cuisine: "korean", Allergies: []string{"땅콩"}, MaxCookingTime: 30, Servings: 2, Language: domain.Korean})
}

func BenchmarkGenerate(b *testing.B) {
	g := New()
	req := benchRequest(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Generate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateCatalogueSize runs the bench request against the catalogue repeated
// 1 and 4 times: time may grow linearly with its size, allocations should not grow.
func BenchmarkGenerateCatalogueSize(b *testing.B) {
	req := benchRequest(b)
	ctx := context.Background()
	for _, n := range []int{1, 4} {
		g := scaledGenerator(b, n)
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Generate(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestGenerateAllocationsDoNotGrowWithCatalogue(t *testing.T) {
	req := benchRequest(t)
	ctx := context.Background()
	allocs := map[int]float64{}
	for _, n := range []int{1, 4} {
		g := scaledGenerator(t, n)
		allocs[n] = testing.AllocsPerRun(20, func() { _, _ = g.Generate(ctx, req) })
	}
	// A per-recipe allocation would add more than a thousand on 4x; which recipes win, and
	// so how many lines are rendered, may differ a little between the two.
	if allocs[4] > allocs[1]*1.5 {
		t.Errorf("Generate allocates %.0f times on 4x the catalogue and %.0f on 1x, want about the same", allocs[4], allocs[1])
	}
}

// scaledGenerator returns a Generator over the embedded catalogue repeated n times, each
// copy with its own ids and names.
func scaledGenerator(tb testing.TB, n int) *Generator {
	tb.Helper()
	records, err := defaultRecords()
	if err != nil {
		tb.Fatalf("embedded catalogue: %v", err)
	}
	var all []recipeRecord
	for i := range n {
		for _, r := range records {
			if i > 0 {
				r.ID = fmt.Sprintf("%s-%d", r.ID, i)
				r.Name.Ko = fmt.Sprintf("%s %d", r.Name.Ko, i)
				r.Name.En = fmt.Sprintf("%s %d", r.Name.En, i)
			}
			all = append(all, r)
		}
	}
	cat, err := compile(all, domain.DefaultLexicon())
	if err != nil {
		tb.Fatalf("compile(%d x catalogue) error = %v", n, err)
	}
	return newGenerator(cat, domain.DefaultLexicon())
}
