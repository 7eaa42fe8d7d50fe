package httpapi

// NewAdminHandlerWithClock is NewAdminHandler on the clock now, which sessions and the
// login limit read.
var NewAdminHandlerWithClock = newAdminHandler
