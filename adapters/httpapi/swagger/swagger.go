// Package swagger serves the api's generated OpenAPI document and the Swagger UI. It is
// its own package so that only the api binary carries the UI's assets (about 18 MiB of
// memory once loaded): the worker serves no docs.
package swagger

import (
	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	_ "github.com/naengbu/recipe-ai/adapters/httpapi/docs" // registers the generated document
)

// Register serves the Swagger UI at /docs/index.html and the document at /docs/doc.json.
func Register(r *gin.Engine) {
	r.GET("/docs/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))
}
