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
	ui := ginSwagger.WrapHandler(swaggerFiles.Handler)
	r.GET("/docs/*any", func(c *gin.Context) {
		if c.Param("any") == "/" {
			c.Redirect(http.StatusFound, "/docs/index.html")
			return
		}
		ui(c)
	})
}
