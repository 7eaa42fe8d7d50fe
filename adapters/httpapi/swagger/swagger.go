// Package swagger serves the api's generated OpenAPI document and the Swagger UI. It is
// its own package so that only the api binary carries the UI's assets (about 18 MiB of
// memory once loaded): the worker serves no docs.
package swagger

import (
	"net/http"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	_ "github.com/naengbu/recipe-ai/adapters/httpapi/docs" // registers the generated document
)

// Register serves the Swagger UI at /docs/index.html and the document at /docs/doc.json;
// /docs and /docs/ lead to the UI.
func Register(r *gin.Engine) {
	r.GET("/docs/*any", docs(ginSwagger.WrapHandler(swaggerFiles.Handler)))
}

// docs godoc
// @Summary     API documentation
// @Description The Swagger UI at /docs/index.html, this document at /docs/doc.json; /docs and /docs/ redirect to /docs/index.html.
// @Tags        operations
// @Produce     html
// @Param       any path string true "index.html, doc.json or a file of the UI"
// @Success     200 {string} string "the Swagger UI, or this document"
// @Success     302 {string} string "from /docs/ to /docs/index.html"
// @Failure     404 {string} string "no such file"
// @Router      /docs/{any} [get]
func docs(ui gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Param("any") == "/" {
			c.Redirect(http.StatusFound, "/docs/index.html")
			return
		}
		ui(c)
	}
}
