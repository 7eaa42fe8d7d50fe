package httpapi

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
)

// web holds the pages' files: plain HTML, CSS and JavaScript, served as they are, with no
// build step and nothing loaded from elsewhere, so the pages work offline.
//
//go:embed web
var web embed.FS

// TryPageModule serves the try-it page at / through the "routes" group; add it when
// TRY_PAGE is true. Without it / answers 404 with the error JSON.
var TryPageModule = fx.Module("httpapi.try",
	fx.Provide(fx.Annotate(func() Routes { return RegisterTryPage }, fx.ResultTags(`group:"routes"`))),
)

// RegisterTryPage adds the try-it page and its files to r. It is a Routes.
func RegisterTryPage(r *gin.Engine) {
	r.GET("/", tryIndex)
	r.GET("/assets/try.js", pageFile("web/try/try.js", "text/javascript; charset=utf-8"))
	r.GET("/assets/try.css", pageFile("web/try/try.css", "text/css; charset=utf-8"))
}

var tryIndexFile = pageFile("web/try/index.html", "text/html; charset=utf-8")

// tryIndex godoc
// @Summary     The try-it page
// @Description A page where a person types the ingredients of a fridge, picks preferences and watches the recipes arrive. Served when TRY_PAGE is true (the default); 404 otherwise.
// @Tags        pages
// @Produce     html
// @Success     200 {string} string "the page"
// @Failure     404 {object} errorResponse
// @Router      / [get]
func tryIndex(c *gin.Context) { tryIndexFile(c) }

// contentSecurityPolicy lets the pages load only their own files and talk only to this
// server; no inline script runs and no other site may frame them.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// pageHeaders are the security headers of every page and page file.
func pageHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", contentSecurityPolicy)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Header("X-Frame-Options", "DENY")
}

// pageFile serves one embedded file; browsers revalidate it with its ETag, so a new
// version of the binary is seen at once.
func pageFile(name, contentType string) gin.HandlerFunc {
	data := mustReadWeb(name)
	sum := sha256.Sum256(data)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return func(c *gin.Context) {
		pageHeaders(c)
		c.Header("Cache-Control", "no-cache")
		c.Header("ETag", etag)
		if c.GetHeader("If-None-Match") == etag {
			c.Status(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, contentType, data)
	}
}

func mustReadWeb(name string) []byte {
	data, err := web.ReadFile(name)
	if err != nil {
		panic(err) // a missing embedded file is a build mistake
	}
	return data
}
