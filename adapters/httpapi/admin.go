package httpapi

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// AdminModule serves the job dashboard at /admin/ and its JSON API under /admin/api/
// through the "routes" group. Add it, with an *application.Admin and an
// *application.DeadLetters, only when ADMIN_TOKEN is set; without it /admin/ answers 404.
var AdminModule = fx.Module("httpapi.admin",
	fx.Provide(NewAdminHandler, fx.Private),
	fx.Provide(fx.Annotate(func(h *AdminHandler) Routes { return h.Register }, fx.ResultTags(`group:"routes"`))),
)

// AdminHandler serves the dashboard: its login, its page and its JSON API.
type AdminHandler struct {
	admin *application.Admin
	dead  *application.DeadLetters
	auth  *adminAuth
	log   *zap.Logger
}

// NewAdminHandler builds the dashboard's handler on its use cases; cfg.AdminToken must be
// set.
func NewAdminHandler(admin *application.Admin, dead *application.DeadLetters, cfg config.Config, log *zap.Logger) *AdminHandler {
	return newAdminHandler(admin, dead, cfg, log, time.Now)
}

func newAdminHandler(admin *application.Admin, dead *application.DeadLetters, cfg config.Config, log *zap.Logger, now func() time.Time) *AdminHandler {
	return &AdminHandler{admin: admin, dead: dead, auth: newAdminAuth(cfg.AdminToken.Reveal(), now), log: log.Named("http")}
}

// Register adds the dashboard's routes to r. It is a Routes.
func (h *AdminHandler) Register(r *gin.Engine) {
	r.GET("/admin", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/admin/") })
	r.GET("/admin/", h.page)
	r.POST("/admin/login", h.login)
	r.POST("/admin/logout", h.logout)
	r.GET("/admin/assets/admin.js", pageFile("web/admin/admin.js", "text/javascript; charset=utf-8"))
	r.GET("/admin/assets/admin.css", pageFile("web/admin/admin.css", "text/css; charset=utf-8"))

	api := r.Group("/admin/api", h.authorize)
	api.GET("/overview", h.overview)
	api.GET("/jobs", h.listJobs)
	api.GET("/jobs/:jobId", h.job)
	api.POST("/jobs/:jobId/cancel", h.cancel)
	api.GET("/dead-letters", h.listDeadLetters)
	api.POST("/dead-letters/retry", h.retryAllDead)
	api.POST("/dead-letters/:jobId/retry", h.retryDead)
	api.DELETE("/dead-letters/:jobId", h.deleteDead)
}

var adminPages = template.Must(template.ParseFS(web, "web/admin/login.html", "web/admin/dashboard.html"))

// loginPage is what the login form shows.
type loginPage struct {
	Error string
}

// dashboardPage carries the session's CSRF token to the page's script.
type dashboardPage struct {
	CSRF string
}

// page godoc
// @Summary     The job dashboard
// @Description The dashboard's page with a valid session cookie, the login form otherwise. Served only when ADMIN_TOKEN is set; 404 otherwise.
// @Tags        admin
// @Produce     html
// @Success     200 {string} string "the dashboard, or the login form"
// @Failure     404 {object} errorResponse
// @Router      /admin/ [get]
func (h *AdminHandler) page(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if s, ok := h.auth.session(c.Request); ok {
		h.render(c, http.StatusOK, "dashboard.html", dashboardPage{CSRF: h.auth.csrf(s)})
		return
	}
	h.render(c, http.StatusOK, "login.html", loginPage{})
}

func (h *AdminHandler) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := adminPages.ExecuteTemplate(&buf, name, data); err != nil {
		writeError(c, h.log, err)
		return
	}
	pageHeaders(c)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// login godoc
// @Summary     Sign in to the dashboard
// @Description Takes ADMIN_TOKEN from a form and answers 303 to /admin/ with a session cookie (HttpOnly, SameSite=Strict, Secure over TLS, 12 h). A wrong token gets the form again with 401; too many wrong tokens from one address get 429 with Retry-After.
// @Tags        admin
// @Accept      x-www-form-urlencoded
// @Produce     html
// @Param       token formData string true "ADMIN_TOKEN"
// @Success     303 {string} string "to /admin/, with the session cookie"
// @Failure     401 {string} string "the login form with an error"
// @Failure     429 {string} string "the login form with an error"
// @Router      /admin/login [post]
func (h *AdminHandler) login(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ip := c.ClientIP()
	if wait := h.auth.logins.wait(ip); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		h.render(c, http.StatusTooManyRequests, "login.html", loginPage{Error: "Too many wrong tokens. Try again in " + strconv.Itoa(int(math.Ceil(wait.Seconds()))) + " s."})
		return
	}
	if !h.auth.tokenMatches(c.PostForm("token")) {
		h.auth.logins.failed(ip)
		h.log.Info("admin login refused", zap.String("client", ip))
		h.render(c, http.StatusUnauthorized, "login.html", loginPage{Error: "That token is not the admin token."})
		return
	}
	value, _ := h.auth.newSession()
	http.SetCookie(c.Writer, sessionCookieFor(c.Request, value, int(sessionTTL.Seconds())))
	c.Redirect(http.StatusSeeOther, "/admin/")
}

// logout godoc
// @Summary     Sign out of the dashboard
// @Description Ends the session cookie and answers 303 to /admin/. Needs the session's CSRF token in the csrf form field.
// @Tags        admin
// @Accept      x-www-form-urlencoded
// @Param       csrf formData string true "the session's CSRF token"
// @Success     303 {string} string "to /admin/"
// @Failure     403 {object} errorResponse
// @Router      /admin/logout [post]
func (h *AdminHandler) logout(c *gin.Context) {
	s, ok := h.auth.session(c.Request)
	if ok && !h.auth.csrfMatches(s, c.PostForm(csrfField)) {
		writeAdminError(c, http.StatusForbidden, "forbidden", "The request lacks the session's CSRF token.")
		return
	}
	http.SetCookie(c.Writer, sessionCookieFor(c.Request, "", -1))
	c.Redirect(http.StatusSeeOther, "/admin/")
}

// authorize lets a JSON API call through with "Authorization: Bearer <ADMIN_TOKEN>", or
// with a session cookie and, for a change (anything but GET), the session's CSRF token in
// X-CSRF-Token. Wrong bearer tokens count against the login limit.
func (h *AdminHandler) authorize(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if token, ok := bearer(c.Request); ok {
		ip := c.ClientIP()
		if wait := h.auth.logins.wait(ip); wait > 0 {
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeAdminError(c, http.StatusTooManyRequests, "rate_limited", "Too many wrong tokens; try again later.")
			return
		}
		if !h.auth.tokenMatches(token) {
			h.auth.logins.failed(ip)
			writeAdminError(c, http.StatusUnauthorized, "unauthorized", "The bearer token is not the admin token.")
			return
		}
		c.Next()
		return
	}
	s, ok := h.auth.session(c.Request)
	if !ok {
		writeAdminError(c, http.StatusUnauthorized, "unauthorized", "Sign in at /admin/ or send Authorization: Bearer <ADMIN_TOKEN>.")
		return
	}
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && !h.auth.csrfMatches(s, c.GetHeader(csrfHeader)) {
		writeAdminError(c, http.StatusForbidden, "forbidden", "The request lacks the session's CSRF token (X-CSRF-Token).")
		return
	}
	c.Next()
}

// writeAdminError answers with the contract's error JSON for the dashboard's own
// refusals, which no use case returns.
func writeAdminError(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, errorResponse{Error: errorBody{Code: code, Message: message, Details: []fieldDetail{}}})
}
