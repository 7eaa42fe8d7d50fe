package httpapi

// General information of the OpenAPI document that `make swag` generates into docs/ from
// the handlers' annotations; package swagger serves it.

// @title       Recipe AI
// @version     1.0
// @description Asynchronous AI recipe generation: send the ingredients in a fridge, get a job id at once, then poll or follow the job for recipes. Every error is JSON: {"error": {"code", "message", "details"}}.
// @BasePath    /

// @securityDefinitions.apikey AdminToken
// @in                         header
// @name                       Authorization
// @description                "Bearer " followed by ADMIN_TOKEN. The dashboard's own page uses its session cookie instead, and sends the session's CSRF token in X-CSRF-Token with every change.
