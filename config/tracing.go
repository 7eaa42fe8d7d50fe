package config

import (
	"fmt"
	"net/url"
	"slices"
)

// OTLP protocols of trace export.
const (
	OTLPHTTP = "http/protobuf"
	OTLPGRPC = "grpc"
)

// Tracing reports whether spans are recorded and exported: OTEL_ENABLED is true, and
// neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none turns the standard SDK off.
func (c Config) Tracing() bool {
	return c.OTELEnabled && !c.OTELSDKDisabled && c.OTELTracesExporter != "none"
}

// OTLPTracesProtocol is how spans are sent: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL when set,
// else OTEL_EXPORTER_OTLP_PROTOCOL (default http/protobuf).
func (c Config) OTLPTracesProtocol() string {
	if c.OTELTracesProtocol != "" {
		return c.OTELTracesProtocol
	}
	return c.OTELProtocol
}

func (c Config) validateTracing() error {
	if c.OTELTracesExporter != "otlp" && c.OTELTracesExporter != "none" {
		return fmt.Errorf("OTEL_TRACES_EXPORTER: want otlp or none, not %q", c.OTELTracesExporter)
	}
	if c.OTELEndpoint != "" {
		if u, err := url.Parse(c.OTELEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: want a URL such as http://collector:4318, not %q", c.OTELEndpoint)
		}
	}
	for _, v := range []struct{ name, value string }{
		{"OTEL_EXPORTER_OTLP_PROTOCOL", c.OTELProtocol},
		{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", c.OTELTracesProtocol},
	} {
		if v.value != "" && !slices.Contains([]string{OTLPHTTP, OTLPGRPC}, v.value) {
			return fmt.Errorf("%s: want %s or %s, not %q", v.name, OTLPHTTP, OTLPGRPC, v.value)
		}
	}
	return nil
}
