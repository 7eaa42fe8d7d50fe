package httpapi

import (
	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	_ "github.com/naengbu/recipe-ai/adapters/httpapi/docs" // registers the generated document
)

// @title       Recipe AI
// @version     1.0
// @description Asynchronous AI recipe generation: send the ingredients in a fridge, get a job id at once, then poll or follow the job for recipes.
// @BasePath    /

// registerDocs serves the Swagger UI at /docs/index.html and the document at /docs/doc.json.
func registerDocs(r *gin.Engine) {
	r.GET("/docs/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))
}
