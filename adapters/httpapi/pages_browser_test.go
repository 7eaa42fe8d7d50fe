package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/naengbu/recipe-ai/adapters/httpapi"
	"github.com/naengbu/recipe-ai/adapters/httpapi/browsertest"
)

// scriptedAPI serves the try-it page with a fake recipe API whose answers depend on the
// first ingredient: "error400" gets field errors, "busy" a 429, anything else a job whose
// event stream sends progress, two streamed recipes, then the result.
func scriptedAPI(t *testing.T) *httptest.Server {
	t.Helper()
	r := gin.New()
	httpapi.RegisterTryPage(r)
	r.POST("/v1/recipe/generate", func(c *gin.Context) {
		var body struct {
			Ingredients []string `json:"ingredients"`
		}
		_ = c.ShouldBindJSON(&body)
		switch body.Ingredients[0] {
		case "error400":
			c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid_request", "message": "The request has invalid fields.",
				"details": []gin.H{{"field": "ingredients[0]", "message": "must not contain control characters"},
					{"field": "preferences.servings", "message": "must be at most 20"}}}})
		case "busy":
			c.Header("Retry-After", "7")
			c.JSON(http.StatusTooManyRequests, gin.H{"error": gin.H{"code": "rate_limited", "message": "Too many requests.", "details": []gin.H{}}})
		default:
			c.JSON(http.StatusAccepted, gin.H{"jobId": "JOB", "status": "pending", "statusUrl": "/v1/recipe/status/JOB",
				"eventsUrl": "/v1/recipe/status/JOB/events", "warnings": []string{`allergy "망고" is not recognised`}})
		}
	})
	r.GET("/v1/recipe/status/JOB/events", func(c *gin.Context) {
		c.Header("Content-Type", "text/event-stream")
		send := func(event string, data any, pause time.Duration) {
			b, _ := json.Marshal(data)
			fmt.Fprintf(c.Writer, "event: %s\ndata: %s\n\n", event, b)
			c.Writer.Flush()
			time.Sleep(pause)
		}
		status := func(p int) gin.H {
			return gin.H{"jobId": "JOB", "status": "processing", "progress": p, "message": "The AI is writing recipes"}
		}
		send("status", status(30), 300*time.Millisecond)
		send("recipe", gin.H{"kind": "existing", "index": 0, "recipe": omelette}, 400*time.Millisecond)
		send("recipe", gin.H{"kind": "additional", "index": 0, "recipe": stew}, 400*time.Millisecond)
		send("status", status(80), 300*time.Millisecond)
		send("completed", gin.H{"jobId": "JOB", "status": "completed", "progress": 100, "message": "Completed",
			"result": gin.H{"existingIngredientsRecipes": []gin.H{omelette, rice}, "additionalIngredientsRecipes": []gin.H{stew},
				"provider": "offline", "model": "catalogue", "notes": []string{"peanut left out"}}}, 0)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

var (
	omelette = gin.H{"name": "Kimchi omelette", "description": "Eggs folded over kimchi.", "difficulty": "easy", "cookingTime": 10,
		"servings": 2, "ingredients": []string{"eggs 3", "kimchi 100g"}, "instructions": "1. Beat the eggs.\n2. Fry with the kimchi."}
	rice = gin.H{"name": "Kimchi fried rice", "description": "Rice fried with kimchi.", "difficulty": "medium", "cookingTime": 15,
		"servings": 2, "ingredients": []string{"rice", "kimchi"}, "instructions": "1. Fry.\n2. Serve."}
	stew = gin.H{"name": "Kimchi stew", "description": "A stew with pork.", "difficulty": "hard", "cookingTime": 30, "servings": 2,
		"ingredients": []string{"kimchi 200g", "pork belly 150g"}, "additionalIngredients": []string{"pork belly"},
		"instructions": "1. Boil.\n2. Simmer."}
)

func TestTryPageShowsStreamedRecipesAsCardsBeforeTheEnd(t *testing.T) {
	srv := scriptedAPI(t)
	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, 15*time.Second,
		browsertest.Desktop.Emulate(),
		chromedp.Navigate(srv.URL+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.SendKeys(chromedp.ID("ingredient-input"), "eggs,kimchi,rice,"),
		chromedp.SendKeys(chromedp.ID("servings"), "2"),
		chromedp.Click(chromedp.ID("generate")),
	)
	if got := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll("#ingredients .chip")].map(c => c.dataset.value)`); strings.Join(got, ",") != "eggs,kimchi,rice" {
		t.Errorf("ingredient chips = %v, want eggs, kimchi, rice", got)
	}
	browsertest.WaitFor(t, ctx, 10*time.Second, "a card while the job runs",
		`document.querySelectorAll("#existing .card").length === 1 && Number(document.getElementById("progress-bar").getAttribute("aria-valuenow")) < 100`)
	if got := browsertest.Eval[string](t, ctx, `document.querySelector("#existing .card .name").textContent`); got != "Kimchi omelette" {
		t.Errorf("first streamed card = %q, want Kimchi omelette", got)
	}
	browsertest.WaitFor(t, ctx, 10*time.Second, "the result", `document.getElementById("progress").classList.contains("done")`)

	type card struct {
		Name, Time, Difficulty string
		Marks, Steps           []string
	}
	cards := browsertest.Eval[[]card](t, ctx, `[...document.querySelectorAll(".card")].map(c => ({
		Name: c.querySelector(".name").textContent, Time: c.querySelector(".time").textContent,
		Difficulty: c.querySelector(".difficulty").textContent,
		Marks: [...c.querySelectorAll("mark")].map(m => m.textContent),
		Steps: [...c.querySelectorAll(".steps li")].map(li => li.textContent)}))`)
	if len(cards) != 3 || cards[0].Name != "Kimchi omelette" || cards[1].Name != "Kimchi fried rice" || cards[2].Name != "Kimchi stew" {
		t.Fatalf("cards = %+v, want omelette and fried rice, then stew", cards)
	}
	if c := cards[2]; len(c.Marks) != 1 || c.Marks[0] != "pork belly 150g" || c.Time != "30 min" || c.Difficulty != "hard" {
		t.Errorf("needs-a-few-more card = %+v, want pork belly highlighted, 30 min, hard", c)
	}
	if c := cards[0]; len(c.Marks) != 0 || strings.Join(c.Steps, "|") != "Beat the eggs.|Fry with the kimchi." {
		t.Errorf("made-from-what-you-have card = %+v, want no highlight and two steps without numbers", c)
	}
	texts := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll("#results h2, #warnings li, #notes li, #generate")].map(e => e.textContent)`)
	want := []string{"peanut left out", "Made from what you have", "Needs a few more", "Make recipes", `allergy "망고" is not recognised`}
	for _, w := range want {
		if !strings.Contains(strings.Join(texts, "\n"), w) {
			t.Errorf("page texts %q lack %q", texts, w)
		}
	}
	if browsertest.Eval[bool](t, ctx, `!document.getElementById("cancel").hidden || document.getElementById("generate").disabled`) {
		t.Error("after the result, the cancel button shows or the generate button is disabled")
	}
}

func TestTryPageShowsErrorsNextToTheirFieldsInKorean(t *testing.T) {
	srv := scriptedAPI(t)
	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, 15*time.Second,
		browsertest.Phone.Emulate(),
		chromedp.Navigate(srv.URL+"/?lang=ko"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.Click(chromedp.ID("generate")),
	)
	if got := browsertest.Eval[string](t, ctx, `document.querySelector('[data-error-for="ingredients"]').textContent`); got != "재료를 하나 이상 넣어 주세요." {
		t.Errorf("error with no ingredient = %q, want the Korean sentence next to the ingredients", got)
	}
	browsertest.Do(t, ctx, 10*time.Second,
		chromedp.SendKeys(chromedp.ID("ingredient-input"), "error400\r"),
		chromedp.Click(chromedp.ID("generate")),
	)
	browsertest.WaitFor(t, ctx, 5*time.Second, "the field errors", `document.querySelector('[data-error-for="servings"]').textContent !== ""`)
	errs := browsertest.Eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("[data-error-for]")].map(e => [e.dataset.errorFor, e.textContent]))`)
	if !strings.Contains(errs["ingredients"], "재료: must not contain control characters") ||
		!strings.Contains(errs["servings"], "인분: must be at most 20") || errs["form"] != "" {
		t.Errorf("errors after a 400 = %q, want each next to its field, in Korean labels", errs)
	}
	if !browsertest.Eval[bool](t, ctx, `document.getElementById("field-ingredients").classList.contains("invalid")`) {
		t.Error("the ingredients field is not marked invalid")
	}
	browsertest.Do(t, ctx, 10*time.Second,
		chromedp.Click(chromedp.CSS("#ingredients .chip button")),
		chromedp.SendKeys(chromedp.ID("ingredient-input"), "busy\r"),
		chromedp.Click(chromedp.ID("generate")),
	)
	browsertest.WaitFor(t, ctx, 5*time.Second, "the 429 message", `document.getElementById("form-error").textContent !== ""`)
	if got := browsertest.Eval[string](t, ctx, `document.getElementById("form-error").textContent`); got != "요청이 너무 많습니다. 7초 뒤에 다시 시도해 주세요." {
		t.Errorf("message after a 429 = %q, want the Korean sentence with Retry-After 7", got)
	}
	if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("page width on a 390 px phone = %d px, want no horizontal scrolling", w)
	}
	if got := browsertest.Eval[string](t, ctx, `document.querySelector('label[for="max-time"]').textContent`); got != "최대 조리 시간 (분)" {
		t.Errorf("label in Korean = %q", got)
	}
}
