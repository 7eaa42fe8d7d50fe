package deployments

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

const chartDir = "helm/recipe-ai"

// Measured resident memory (the README's benchmark): a pod's memory request below its
// peak lets the scheduler pack more pods on a node than it can hold.
var measuredPeak = map[string]resource.Quantity{
	"api":    resource.MustParse("63Mi"),
	"worker": resource.MustParse("44Mi"),
}

// valuesFiles are the renderings the tests check: the defaults and each file in ci/.
func valuesFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cluster-values.yaml", "sentinel-values.yaml", "keda-off-values.yaml"} {
		if !slices.Contains(files, filepath.Join(chartDir, "ci", want)) {
			t.Fatalf("%s/ci lacks %s", chartDir, want)
		}
	}
	return append([]string{""}, files...)
}

// render renders the chart as `helm template recipe -n apps -f file` would (file "" for
// the defaults), validating the values against values.schema.json, with strict templates
// (a missing value is an error). It returns the manifests by template path.
func render(t *testing.T, file string) (map[string]string, common.Values) {
	t.Helper()
	chrt, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	vals := common.Values{}
	if file != "" {
		if vals, err = common.ReadValuesFile(file); err != nil {
			t.Fatalf("read %s: %v", file, err)
		}
	}
	top, err := util.ToRenderValuesWithSchemaValidation(chrt, vals, common.ReleaseOptions{Name: "recipe", Namespace: "apps", IsInstall: true}, nil, false)
	if err != nil {
		t.Fatalf("values %s: %v", file, err)
	}
	out, err := engine.Engine{Strict: true}.Render(chrt, top)
	if err != nil {
		t.Fatalf("render with %s: %v", file, err)
	}
	coalesced, _ := top["Values"].(common.Values)
	return out, coalesced
}

// manifests holds one rendering, decoded.
type manifests struct {
	configMaps   map[string]*corev1.ConfigMap
	secrets      map[string]*corev1.Secret
	services     map[string]*corev1.Service
	accounts     map[string]*corev1.ServiceAccount
	deployments  map[string]*appsv1.Deployment
	hpas         map[string]*autoscalingv2.HorizontalPodAutoscaler
	pdbs         map[string]*policyv1.PodDisruptionBudget
	scaledObjs   map[string]*scaledObject
	triggerAuths map[string]*triggerAuthentication
}

// decode splits the rendered templates into documents and decodes each strictly into
// its Kubernetes (or KEDA) type: an unknown or misspelt field, a duplicate key or a
// value of the wrong type is an error, as is a kind the chart should not make.
func decode(rendered map[string]string) (*manifests, error) {
	m := &manifests{
		configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{},
		services: map[string]*corev1.Service{}, accounts: map[string]*corev1.ServiceAccount{},
		deployments: map[string]*appsv1.Deployment{}, hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		pdbs: map[string]*policyv1.PodDisruptionBudget{}, scaledObjs: map[string]*scaledObject{},
		triggerAuths: map[string]*triggerAuthentication{},
	}
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(rendered[name], -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
				return nil, fmt.Errorf("%s #%d: %v", name, i, err)
			}
			var obj interface{ GetName() string }
			var store func()
			switch gvk := tm.APIVersion + " " + tm.Kind; gvk {
			case "v1 ConfigMap":
				o := &corev1.ConfigMap{}
				obj, store = o, func() { m.configMaps[o.Name] = o }
			case "v1 Secret":
				o := &corev1.Secret{}
				obj, store = o, func() { m.secrets[o.Name] = o }
			case "v1 Service":
				o := &corev1.Service{}
				obj, store = o, func() { m.services[o.Name] = o }
			case "v1 ServiceAccount":
				o := &corev1.ServiceAccount{}
				obj, store = o, func() { m.accounts[o.Name] = o }
			case "apps/v1 Deployment":
				o := &appsv1.Deployment{}
				obj, store = o, func() { m.deployments[o.Name] = o }
			case "autoscaling/v2 HorizontalPodAutoscaler":
				o := &autoscalingv2.HorizontalPodAutoscaler{}
				obj, store = o, func() { m.hpas[o.Name] = o }
			case "policy/v1 PodDisruptionBudget":
				o := &policyv1.PodDisruptionBudget{}
				obj, store = o, func() { m.pdbs[o.Name] = o }
			case "keda.sh/v1alpha1 ScaledObject":
				o := &scaledObject{}
				obj, store = o, func() { m.scaledObjs[o.Name] = o }
			case "keda.sh/v1alpha1 TriggerAuthentication":
				o := &triggerAuthentication{}
				obj, store = o, func() { m.triggerAuths[o.Name] = o }
			default:
				return nil, fmt.Errorf("%s #%d: unexpected kind %q", name, i, gvk)
			}
			if err := strictDecode([]byte(doc), obj); err != nil {
				return nil, fmt.Errorf("%s #%d (%s): %v", name, i, tm.Kind, err)
			}
			if errs := validation.IsDNS1123Subdomain(obj.GetName()); len(errs) > 0 {
				return nil, fmt.Errorf("%s #%d: name %q: %v", name, i, obj.GetName(), errs)
			}
			store()
		}
	}
	return m, nil
}

// strictDecode decodes a YAML document as kubectl and the API server would: YAML to
// JSON without looking at the target type (so 20 stays a number, never the string a
// KEDA parameter must be), refusing duplicate keys, then JSON into obj with
// case-sensitive field names, refusing unknown fields.
func strictDecode(doc []byte, obj any) error {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(j, obj)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

func stripComments(doc string) string {
	return regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAllString(doc, "")
}

// scaledObject is KEDA's ScaledObject (keda.sh/v1alpha1) as far as the chart uses it;
// strict decoding into it refuses a field KEDA would not know.
type scaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ScaleTargetRef struct {
			APIVersion string `json:"apiVersion,omitempty"`
			Kind       string `json:"kind,omitempty"`
			Name       string `json:"name"`
		} `json:"scaleTargetRef"`
		PollingInterval  *int32 `json:"pollingInterval,omitempty"`
		CooldownPeriod   *int32 `json:"cooldownPeriod,omitempty"`
		IdleReplicaCount *int32 `json:"idleReplicaCount,omitempty"`
		MinReplicaCount  *int32 `json:"minReplicaCount,omitempty"`
		MaxReplicaCount  *int32 `json:"maxReplicaCount,omitempty"`
		Triggers         []struct {
			Type              string            `json:"type"`
			Name              string            `json:"name,omitempty"`
			Metadata          map[string]string `json:"metadata"`
			AuthenticationRef *struct {
				Name string `json:"name"`
				Kind string `json:"kind,omitempty"`
			} `json:"authenticationRef,omitempty"`
		} `json:"triggers"`
	} `json:"spec"`
}

type triggerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		SecretTargetRef []struct {
			Parameter string `json:"parameter"`
			Name      string `json:"name"`
			Key       string `json:"key"`
		} `json:"secretTargetRef"`
	} `json:"spec"`
}

// redisMetadata are the trigger metadata KEDA's redis, redis-cluster and redis-sentinel
// scalers read (kedacore/keda pkg/scalers/redis_scaler.go); the password goes through
// the TriggerAuthentication instead.
var redisMetadata = []string{"address", "addresses", "host", "hosts", "port", "ports", "username",
	"sentinelUsername", "sentinelMaster", "unsafeSsl", "enableTLS", "listName", "listLength",
	"activationListLength", "databaseIndex"}

func TestChartRenders(t *testing.T) {
	contract := contractVariables(t)
	secret := secretVariables(t)
	for _, file := range valuesFiles(t) {
		name := filepath.Base(file)
		if file == "" {
			name = "defaults"
		}
		t.Run(name, func(t *testing.T) {
			rendered, values := render(t, file)
			m, err := decode(rendered)
			if err != nil {
				t.Fatal(err)
			}
			if problems := checkChart(m, values, contract, secret); len(problems) > 0 {
				t.Errorf("the chart rendered with %s breaks the rules:\n  %s", name, strings.Join(problems, "\n  "))
			}
		})
	}
}

func TestChartLint(t *testing.T) {
	for _, file := range valuesFiles(t) {
		vals := map[string]any{}
		if file != "" {
			v, err := common.ReadValuesFile(file)
			if err != nil {
				t.Fatal(err)
			}
			vals = v
		}
		linter := lint.RunAll(chartDir, vals, "apps")
		for _, msg := range linter.Messages {
			if msg.Severity >= support.WarningSev {
				t.Errorf("helm lint with %q: %v", file, msg)
			}
		}
	}
}

// TestChartRefusesMistakes gives the chart values it must refuse, and shows that the
// decoding and the checks catch a broken manifest.
func TestChartRefusesMistakes(t *testing.T) {
	badValues := []struct {
		name, values, wantErr string
	}{
		{name: "misspelt value", values: "worker:\n  keda:\n    minReplicas: 0\n", wantErr: "minReplicas"},
		{name: "variable outside the contract", values: "config:\n  REDIS_URL: redis://x:6379\n", wantErr: "REDIS_URL"},
		{name: "secret in the ConfigMap", values: "config:\n  ADMIN_TOKEN: hunter2\n", wantErr: "ADMIN_TOKEN"},
		{name: "cluster and sentinel", values: "valkey:\n  clusterAddrs: [a:1]\n  sentinel:\n    addrs: [b:2]\n    master: m\n", wantErr: "not both"},
		{name: "sentinel without master", values: "valkey:\n  sentinel:\n    addrs: [b:2]\n", wantErr: "sentinel.master"},
		{name: "address without port", values: "valkey:\n  clusterAddrs: [valkey-0]\n", wantErr: "clusterAddrs"},
	}
	for _, tt := range badValues {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "values.yaml")
			if err := os.WriteFile(file, []byte(tt.values), 0o644); err != nil {
				t.Fatal(err)
			}
			err := renderErr(file)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("render with %q: error %v, want one naming %q", tt.values, err, tt.wantErr)
			}
		})
	}

	rendered, values := render(t, "")
	badManifests := []struct {
		name, file, old, new, wantErr string
	}{
		{name: "misspelt field", file: "worker.yaml", old: "terminationGracePeriodSeconds:", new: "terminationGracePeriodSecond:", wantErr: "terminationGracePeriodSecond"},
		{name: "wrong type", file: "api.yaml", old: "containerPort: 8080", new: "containerPort: http", wantErr: "containerPort"},
		{name: "misspelt KEDA field", file: "keda.yaml", old: "cooldownPeriod:", new: "coolDownPeriod:", wantErr: "coolDownPeriod"},
		{name: "misspelt KEDA metadata", file: "keda.yaml", old: "listLength:", new: "listLenght:", wantErr: "listLenght"},
		{name: "unquoted KEDA metadata", file: "keda.yaml", old: `listLength: "20"`, new: `listLength: 20`, wantErr: "string"},
		{name: "other list", file: "keda.yaml", old: `:pending"`, new: `:delayed"`, wantErr: "listName"},
		{name: "writable root", file: "api.yaml", old: "readOnlyRootFilesystem: true", new: "readOnlyRootFilesystem: false", wantErr: "readOnlyRootFilesystem"},
		{name: "short grace", file: "worker.yaml", old: "terminationGracePeriodSeconds: 60", new: "terminationGracePeriodSeconds: 40", wantErr: "terminationGracePeriodSeconds"},
		{name: "probe on the wrong path", file: "worker.yaml", old: "path: /ready", new: "path: /health", wantErr: "/ready"},
		{name: "memory below the measured peak", file: "api.yaml", old: "memory: 80Mi", new: "memory: 32Mi", wantErr: "measured"},
		{name: "scaled twice", file: "worker.yaml", old: "  selector:\n    matchLabels:", new: "  replicas: 2\n  selector:\n    matchLabels:", wantErr: "replicas"},
	}
	for _, tt := range badManifests {
		t.Run(tt.name, func(t *testing.T) {
			key := "recipe-ai/templates/" + tt.file
			if !strings.Contains(rendered[key], tt.old) {
				t.Fatalf("rendered %s has no %q to replace:\n%s", tt.file, tt.old, rendered[key])
			}
			broken := make(map[string]string, len(rendered))
			for k, v := range rendered {
				broken[k] = v
			}
			broken[key] = strings.Replace(rendered[key], tt.old, tt.new, 1)
			var problems []string
			if m, err := decode(broken); err != nil {
				problems = []string{err.Error()}
			} else {
				problems = checkChart(m, values, contractVariables(t), secretVariables(t))
			}
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.wantErr) }) {
				t.Errorf("%s with %q for %q: problems %q, want one naming %q", tt.file, tt.new, tt.old, problems, tt.wantErr)
			}
		})
	}
}

// renderErr renders the chart with file and returns the first error.
func renderErr(file string) error {
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return err
	}
	vals, err := common.ReadValuesFile(file)
	if err != nil {
		return err
	}
	top, err := util.ToRenderValuesWithSchemaValidation(chrt, vals, common.ReleaseOptions{Name: "recipe", Namespace: "apps", IsInstall: true}, nil, false)
	if err != nil {
		return err
	}
	rendered, err := engine.Engine{Strict: true}.Render(chrt, top)
	if err != nil {
		return err
	}
	m, err := decode(rendered)
	if err != nil {
		return err
	}
	// The schema admits only the contract's variables, but which of them may sit in the
	// ConfigMap is the checks' to say.
	if problems := checkChart(m, top["Values"].(common.Values), nil, nil); len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// checkChart returns every rule one rendering breaks. contract and secret (the
// variables config reads, and those it holds as secrets) may be nil to skip those rules.
func checkChart(m *manifests, values common.Values, contract map[string]string, secret map[string]bool) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	str := func(path string) string { v, _ := values.PathValue(path); return fmt.Sprint(v) }
	on := func(path string) bool { v, _ := values.PathValue(path); return v == true }
	const full = "recipe-recipe-ai"

	cm, ok := m.configMaps[full]
	if !ok {
		return []string{"no ConfigMap " + full}
	}
	secretName := full
	if name := str("existingSecret"); name != "" {
		secretName = name
		if _, made := m.secrets[full]; made {
			fail("existingSecret is set, yet the chart makes Secret %s", full)
		}
	}
	envSecret := m.secrets[full]
	if str("existingSecret") == "" && envSecret == nil {
		fail("no Secret %s for the contract's secret variables", full)
	}

	// The variables: only the contract's, secrets never in the ConfigMap.
	if secret != nil {
		for k := range cm.Data {
			if secret[k] {
				fail("ConfigMap holds %s, which config treats as a secret", k)
			}
		}
	}
	if contract != nil {
		for k := range cm.Data {
			if _, ok := contract[k]; !ok {
				fail("ConfigMap sets %s, which the binaries do not read", k)
			}
		}
		if envSecret != nil {
			for k := range envSecret.StringData {
				if _, ok := contract[k]; !ok {
					fail("Secret %s sets %s, which the binaries do not read (the pods take all its keys)", full, k)
				}
			}
		}
	}
	setting := func(name, def string) string {
		if v, ok := cm.Data[name]; ok {
			return v
		}
		if contract != nil {
			return contract[name]
		}
		return def
	}

	// Valkey: VALKEY_URL carries the password, db and TLS of every mode.
	if envSecret != nil {
		u, err := url.Parse(envSecret.StringData["VALKEY_URL"])
		switch {
		case err != nil:
			fail("VALKEY_URL: %v", err)
		case (u.Scheme == "rediss") != on("valkey.tls"):
			fail("VALKEY_URL scheme %s with valkey.tls %t", u.Scheme, on("valkey.tls"))
		default:
			pw, _ := u.User.Password()
			if pw != str("valkey.password") {
				fail("VALKEY_URL password %q, want valkey.password %q", pw, str("valkey.password"))
			}
		}
	}
	clusterAddrs, _ := values.PathValue("valkey.clusterAddrs")
	sentinelAddrs, _ := values.PathValue("valkey.sentinel.addrs")
	mode, wantType := "standalone", "redis"
	switch {
	case len(asStrings(clusterAddrs)) > 0:
		mode, wantType = "cluster", "redis-cluster"
		if cm.Data["VALKEY_CLUSTER_ADDRS"] != strings.Join(asStrings(clusterAddrs), ",") {
			fail("VALKEY_CLUSTER_ADDRS %q, want %v", cm.Data["VALKEY_CLUSTER_ADDRS"], clusterAddrs)
		}
	case len(asStrings(sentinelAddrs)) > 0:
		mode, wantType = "sentinel", "redis-sentinel"
		if cm.Data["VALKEY_SENTINEL_ADDRS"] != strings.Join(asStrings(sentinelAddrs), ",") || cm.Data["VALKEY_SENTINEL_MASTER"] != str("valkey.sentinel.master") {
			fail("Sentinel mode, yet VALKEY_SENTINEL_ADDRS %q, VALKEY_SENTINEL_MASTER %q", cm.Data["VALKEY_SENTINEL_ADDRS"], cm.Data["VALKEY_SENTINEL_MASTER"])
		}
	}
	if mode != "cluster" && cm.Data["VALKEY_CLUSTER_ADDRS"] != "" || mode != "sentinel" && cm.Data["VALKEY_SENTINEL_ADDRS"] != "" {
		fail("%s mode, yet the ConfigMap sets another mode's addresses", mode)
	}

	// The pods.
	shutdown, err := time.ParseDuration(setting("SHUTDOWN_TIMEOUT", "30s"))
	if err != nil {
		fail("SHUTDOWN_TIMEOUT: %v", err)
	}
	for _, component := range []string{"api", "worker"} {
		d, ok := m.deployments[full+"-"+component]
		if !ok {
			fail("no Deployment %s-%s", full, component)
			continue
		}
		pod := d.Spec.Template
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
			fail("%s: selector %v does not match the pod's labels %v", d.Name, d.Spec.Selector, pod.Labels)
		}
		ps := pod.Spec.SecurityContext
		if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser == 0 {
			fail("%s: the pod must run as a non-root uid (runAsNonRoot, runAsUser)", d.Name)
		}
		if len(pod.Spec.Containers) != 1 {
			fail("%s: %d containers, want 1", d.Name, len(pod.Spec.Containers))
			continue
		}
		c := pod.Spec.Containers[0]
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			fail("%s: want readOnlyRootFilesystem: true", d.Name)
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			fail("%s: want allowPrivilegeEscalation: false and every capability dropped", d.Name)
		}
		// The port the binary listens on is the one the probes and Services use.
		addrVar := map[string]string{"api": "HTTP_ADDR", "worker": "WORKER_HTTP_ADDR"}[component]
		_, port, _ := net.SplitHostPort(setting(addrVar, ""))
		if len(c.Ports) != 1 || c.Ports[0].Name != "http" || fmt.Sprint(c.Ports[0].ContainerPort) != port {
			fail("%s: container ports %v, want one named http on %s's port %s", d.Name, c.Ports, addrVar, port)
		}
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
			path  string
		}{{"liveness", c.LivenessProbe, "/health"}, {"readiness", c.ReadinessProbe, "/ready"}, {"startup", c.StartupProbe, "/health"}} {
			if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port.String() != "http" {
				fail("%s: %s probe %+v, want GET %s on port http", d.Name, p.name, p.probe, p.path)
			}
		}
		req, lim := c.Resources.Requests, c.Resources.Limits
		if req.Cpu().IsZero() {
			fail("%s: no CPU request (the HPA and the scheduler need one)", d.Name)
		}
		if peak := measuredPeak[component]; req.Memory().Cmp(peak) < 0 {
			fail("%s: memory request %s below the measured peak %s", d.Name, req.Memory(), &peak)
		}
		if lim.Memory().IsZero() || lim.Memory().Cmp(*req.Memory()) < 0 {
			fail("%s: memory limit %s, want one at or above the request %s", d.Name, lim.Memory(), req.Memory())
		}
		var fromCM, fromSecret bool
		for _, e := range c.EnvFrom {
			fromCM = fromCM || (e.ConfigMapRef != nil && e.ConfigMapRef.Name == cm.Name)
			fromSecret = fromSecret || (e.SecretRef != nil && e.SecretRef.Name == secretName)
		}
		if !fromCM || !fromSecret {
			fail("%s: envFrom %v, want ConfigMap %s and Secret %s", d.Name, c.EnvFrom, cm.Name, secretName)
		}
		if len(c.Env) > 0 {
			fail("%s: sets env %v outside the ConfigMap and Secret", d.Name, c.Env)
		}
		if pdb, ok := m.pdbs[d.Name]; ok {
			if s, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err != nil || !s.Matches(labels.Set(pod.Labels)) {
				fail("PodDisruptionBudget %s does not select %s's pods", pdb.Name, d.Name)
			}
		} else if component == "worker" || d.Spec.Replicas == nil || *d.Spec.Replicas > 1 {
			fail("no PodDisruptionBudget for %s", d.Name)
		}
	}

	// The api: a Service, and an HPA on CPU unless autoscaling is off.
	api := m.deployments[full+"-api"]
	if svc, ok := m.services[full+"-api"]; !ok || api == nil || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(api.Spec.Template.Labels)) || svc.Spec.Ports[0].TargetPort.String() != "http" {
		fail("no Service %s-api selecting the api pods on port http", full)
	}
	hpa, hpaOn := m.hpas[full+"-api"]
	if hpaOn != on("api.autoscaling.enabled") {
		fail("api HPA rendered %t, api.autoscaling.enabled %t", hpaOn, on("api.autoscaling.enabled"))
	}
	if api != nil && hpaOn == (api.Spec.Replicas != nil) {
		fail("api Deployment sets replicas %v with the HPA rendered %t: exactly one of them must own the count", api.Spec.Replicas, hpaOn)
	}
	if hpaOn {
		if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != full+"-api" {
			fail("HPA scales %+v, want Deployment %s-api", hpa.Spec.ScaleTargetRef, full)
		}
		if len(hpa.Spec.Metrics) != 1 || hpa.Spec.Metrics[0].Resource == nil || hpa.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU ||
			hpa.Spec.Metrics[0].Resource.Target.Type != autoscalingv2.UtilizationMetricType {
			fail("HPA metrics %+v, want CPU utilization", hpa.Spec.Metrics)
		}
	}

	// The worker: grace above SHUTDOWN_TIMEOUT plus the hand-back, KEDA on the pending list.
	worker := m.deployments[full+"-worker"]
	if worker != nil {
		grace := worker.Spec.Template.Spec.TerminationGracePeriodSeconds
		if grace == nil || time.Duration(*grace)*time.Second <= shutdown+handBack {
			fail("worker terminationGracePeriodSeconds %v, want above SHUTDOWN_TIMEOUT %s + %s", grace, shutdown, handBack)
		}
	}
	so, kedaOn := m.scaledObjs[full+"-worker"]
	if kedaOn != on("worker.keda.enabled") {
		fail("ScaledObject rendered %t, worker.keda.enabled %t", kedaOn, on("worker.keda.enabled"))
	}
	if worker != nil && kedaOn == (worker.Spec.Replicas != nil) {
		fail("worker Deployment sets replicas %v with KEDA on %t: exactly one of them must own the count", worker.Spec.Replicas, kedaOn)
	}
	if kedaOn {
		if so.Spec.ScaleTargetRef.Name != full+"-worker" {
			fail("ScaledObject scales %q, want %s-worker", so.Spec.ScaleTargetRef.Name, full)
		}
		if so.Spec.MinReplicaCount == nil || so.Spec.MaxReplicaCount == nil || *so.Spec.MaxReplicaCount < max(*so.Spec.MinReplicaCount, 1) {
			fail("ScaledObject replicas %v..%v", so.Spec.MinReplicaCount, so.Spec.MaxReplicaCount)
		}
		if len(so.Spec.Triggers) != 1 {
			return append(problems, fmt.Sprintf("ScaledObject has %d triggers, want 1", len(so.Spec.Triggers)))
		}
		tr := so.Spec.Triggers[0]
		if tr.Type != wantType {
			fail("trigger type %s in %s mode, want %s", tr.Type, mode, wantType)
		}
		for k := range tr.Metadata {
			if !slices.Contains(redisMetadata, k) {
				fail("trigger metadata %s: KEDA's redis scalers read no such parameter", k)
			}
		}
		if want := "recipe:{" + setting("QUEUE_NAME", "ai-recipe-generation") + "}:pending"; tr.Metadata["listName"] != want {
			fail("trigger listName %q, want %q", tr.Metadata["listName"], want)
		}
		wantAddrs := map[string]string{
			"standalone": str("valkey.host") + ":" + str("valkey.port"),
			"cluster":    strings.Join(asStrings(clusterAddrs), ","),
			"sentinel":   strings.Join(asStrings(sentinelAddrs), ","),
		}[mode]
		if got := tr.Metadata["address"] + tr.Metadata["addresses"]; got != wantAddrs {
			fail("trigger addresses %q, want %q", got, wantAddrs)
		}
		if mode == "sentinel" && tr.Metadata["sentinelMaster"] != str("valkey.sentinel.master") {
			fail("trigger sentinelMaster %q", tr.Metadata["sentinelMaster"])
		}
		if tr.Metadata["enableTLS"] != fmt.Sprint(on("valkey.tls")) {
			fail("trigger enableTLS %q with valkey.tls %t", tr.Metadata["enableTLS"], on("valkey.tls"))
		}
		needsAuth := str("valkey.password") != "" || str("valkey.passwordSecret.name") != ""
		if needsAuth != (tr.AuthenticationRef != nil) {
			fail("trigger authenticationRef %v while Valkey has a password: %t", tr.AuthenticationRef, needsAuth)
		}
		if tr.AuthenticationRef != nil {
			ta, ok := m.triggerAuths[tr.AuthenticationRef.Name]
			if !ok || len(ta.Spec.SecretTargetRef) != 1 || ta.Spec.SecretTargetRef[0].Parameter != "password" {
				fail("TriggerAuthentication %s missing or without a password", tr.AuthenticationRef.Name)
			} else if ref := ta.Spec.SecretTargetRef[0]; str("valkey.passwordSecret.name") == "" {
				s, ok := m.secrets[ref.Name]
				if !ok || s.StringData[ref.Key] != str("valkey.password") {
					fail("TriggerAuthentication reads %s/%s, which does not hold valkey.password", ref.Name, ref.Key)
				}
			}
		}
	}
	return problems
}

func asStrings(v any) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
	case []string:
		out = v
	}
	return out
}

// TestChartSchemaCoversTheContract holds values.schema.json to the variables config
// reads: each is settable through `config` or `secrets`, or set by the chart itself
// from `valkey` and the ports; secrets only under `secrets`.
func TestChartSchemaCoversTheContract(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(chartDir, "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	byChart := []string{"VALKEY_URL", "VALKEY_CLUSTER_ADDRS", "VALKEY_SENTINEL_ADDRS", "VALKEY_SENTINEL_MASTER", "HTTP_ADDR", "WORKER_HTTP_ADDR"}
	secret := secretVariables(t)
	var got []string
	got = append(got, byChart...)
	for name := range schema.Properties["config"].Properties {
		got = append(got, name)
		if secret[name] {
			t.Errorf("values.schema.json admits secret %s under config (a ConfigMap)", name)
		}
	}
	for name := range schema.Properties["secrets"].Properties {
		got = append(got, name)
		if !secret[name] {
			t.Errorf("values.schema.json has %s under secrets, which config does not treat as a secret", name)
		}
	}
	var want []string
	for name := range contractVariables(t) {
		want = append(want, name)
	}
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("variables the chart can set = %v,\nwant exactly those config reads = %v", sorted(got), sorted(want))
	}
}
