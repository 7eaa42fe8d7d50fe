package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// HistoryModule adds GET /v1/users/{userId}/recipes to the api's router through the
// "routes" group. Add it, with an *application.History, only when history is kept; without
// it the route answers 404 with the error JSON, as any unknown route does.
var HistoryModule = fx.Module("httpapi.history",
	fx.Provide(NewHistoryHandler, fx.Private),
	fx.Provide(fx.Annotate(func(h *HistoryHandler) Routes { return h.Register }, fx.ResultTags(`group:"routes"`))),
)

// HistoryHandler serves a user's past generations.
type HistoryHandler struct {
	history *application.History
	limits  *Limits
	log     *zap.Logger
}

// NewHistoryHandler builds the history route's handler on the use case; its reads spend
// from the status budget of limits (nil: unlimited).
func NewHistoryHandler(h *application.History, limits *Limits, log *zap.Logger) *HistoryHandler {
	return &HistoryHandler{history: h, limits: limits, log: log.Named("http")}
}

// Register adds the history route to r. It is a Routes.
func (h *HistoryHandler) Register(r *gin.Engine) {
	r.GET("/v1/users/:userId/recipes", h.limits.read, h.listHistory)
}

// listHistory godoc
// @Summary     List a user's past generations
// @Description Completed generations kept in PostgreSQL, newest first, a page at a time; they stay here after the status has expired. Pass a page's nextCursor back as cursor for the page after it; the last page has no nextCursor. A user without history gets an empty items. Served only when DATABASE_URL is set, and 404 otherwise.
// @Tags        history
// @Produce     json
// @Param       userId path  string true  "The userId the generations were requested with"
// @Param       limit  query int    false "Page size" minimum(1) maximum(100) default(20)
// @Param       cursor query string false "The nextCursor of the previous page"
// @Success     200 {object} historyResponse
// @Failure     400 {object} errorResponse
// @Failure     404 {object} errorResponse
// @Failure     429 {object} errorResponse "over the caller's rate limit; see Retry-After and the RateLimit-* headers"
// @Failure     503 {object} errorResponse
// @Router      /v1/users/{userId}/recipes [get]
func (h *HistoryHandler) listHistory(c *gin.Context) {
	limit := application.DefaultHistoryLimit
	if raw, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(raw)
		if err != nil {
			writeError(c, h.log, &domain.ValidationError{Fields: []domain.FieldError{{
				Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d", application.MaxHistoryLimit),
			}}})
			return
		}
		limit = n
	}
	page, err := h.history.List(c.Request.Context(), c.Param("userId"), limit, c.Query("cursor"))
	if err != nil {
		writeError(c, h.log, err)
		return
	}
	c.JSON(http.StatusOK, toHistoryResponse(page))
}

// historyResponse is one page of a user's history. items is [] when there is none.
type historyResponse struct {
	Items      []historyItem `json:"items"`
	NextCursor string        `json:"nextCursor,omitempty" example:"MTc0MDgyMTQ2MDAwMDAwMDpLWFEzRjVaUTZSMlZKN000QzJYVzVQTkgzQQ"`
}

// historyItem is one completed generation: what was asked and the result.
type historyItem struct {
	JobID       string              `json:"jobId" example:"KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"`
	CreatedAt   time.Time           `json:"createdAt"`
	CompletedAt time.Time           `json:"completedAt"`
	Ingredients []string            `json:"ingredients" example:"계란,대파,김치,밥"`
	Preferences preferencesResponse `json:"preferences"`
	Result      resultResponse      `json:"result"`
}

// preferencesResponse shows the preferences a generation was asked with; those not
// given are left out, except the language, which always has a value.
type preferencesResponse struct {
	Dietary        string   `json:"dietary,omitempty" example:"vegetarian"`
	Cuisine        string   `json:"cuisine,omitempty" example:"korean"`
	Allergies      []string `json:"allergies,omitempty" example:"땅콩"`
	MaxCookingTime int      `json:"maxCookingTime,omitempty" example:"30"`
	Servings       int      `json:"servings,omitempty" example:"2"`
	Language       string   `json:"language" enums:"ko,en" example:"ko"`
}

func toHistoryResponse(page application.HistoryPage) historyResponse {
	items := make([]historyItem, len(page.Entries))
	for i, e := range page.Entries {
		p := e.Request.Preferences
		items[i] = historyItem{
			JobID:       string(e.JobID),
			CreatedAt:   e.CreatedAt,
			CompletedAt: e.CompletedAt,
			Ingredients: e.Request.Ingredients.Names(),
			Preferences: preferencesResponse{
				Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies,
				MaxCookingTime: p.MaxCookingTime, Servings: p.Servings, Language: string(p.Language),
			},
			Result: toResultResponse(e.Result),
		}
	}
	return historyResponse{Items: items, NextCursor: page.Next}
}
