package httpapi

// General information of the OpenAPI document that `make swag` generates into docs/ from
// the handlers' annotations; package swagger serves it.

// @title       Recipe AI
// @version     1.0
// @description Asynchronous AI recipe generation: send the ingredients in a fridge, get a job id at once, then poll or follow the job for recipes.
// @BasePath    /
