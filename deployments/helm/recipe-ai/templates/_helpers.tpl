{{- define "recipe-ai.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "recipe-ai.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* recipe-ai.labels: the common labels; pass (dict "ctx" $ "component" "api"). */}}
{{- define "recipe-ai.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
{{ include "recipe-ai.selectorLabels" . }}
{{- end -}}

{{- define "recipe-ai.selectorLabels" -}}
app.kubernetes.io/name: {{ include "recipe-ai.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "recipe-ai.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "recipe-ai.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "recipe-ai.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "recipe-ai.secretName" -}}
{{- default (include "recipe-ai.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{/* recipe-ai.valkeyMode: cluster, sentinel or standalone; refuses both of the first two. */}}
{{- define "recipe-ai.valkeyMode" -}}
{{- $v := .Values.valkey -}}
{{- if and $v.clusterAddrs $v.sentinel.addrs -}}
{{- fail "valkey: set clusterAddrs or sentinel.addrs, not both" -}}
{{- else if $v.clusterAddrs -}}
cluster
{{- else if $v.sentinel.addrs -}}
{{- if not $v.sentinel.master -}}{{- fail "valkey.sentinel.master: required with sentinel.addrs" -}}{{- end -}}
sentinel
{{- else -}}
standalone
{{- end -}}
{{- end -}}

{{/* recipe-ai.valkeyURL: VALKEY_URL. In cluster and Sentinel modes only its credentials,
db and scheme count; its host is the first seed so the URL stays meaningful. */}}
{{- define "recipe-ai.valkeyURL" -}}
{{- $v := .Values.valkey -}}
{{- $mode := include "recipe-ai.valkeyMode" . -}}
{{- $host := printf "%s:%v" $v.host $v.port -}}
{{- if eq $mode "cluster" -}}{{- $host = first $v.clusterAddrs -}}{{- end -}}
{{- $auth := "" -}}
{{- if $v.password -}}{{- $auth = printf "%s:%s@" (urlquery $v.username) (urlquery $v.password) -}}{{- end -}}
{{- $db := $v.db -}}
{{- if eq $mode "cluster" -}}{{- $db = 0 -}}{{- end -}}
{{- printf "%s://%s%s/%v" (ternary "rediss" "redis" $v.tls) $auth $host $db -}}
{{- end -}}

{{/* recipe-ai.queueKey: the pending list KEDA measures. */}}
{{- define "recipe-ai.pendingKey" -}}
{{- printf "recipe:{%s}:pending" (required "config.QUEUE_NAME: required" .Values.config.QUEUE_NAME) -}}
{{- end -}}

{{/* recipe-ai.pod: what both pods share; pass (dict "ctx" $ "component" "api" "spec" .Values.api). */}}
{{- define "recipe-ai.podSpec" -}}
serviceAccountName: {{ include "recipe-ai.serviceAccountName" .ctx }}
automountServiceAccountToken: false
terminationGracePeriodSeconds: {{ .spec.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml .ctx.Values.podSecurityContext | nindent 2 }}
{{- with .spec.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .spec.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .spec.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .component }}
    image: {{ include "recipe-ai.image" (dict "ctx" .ctx "image" .spec.image) | quote }}
    imagePullPolicy: {{ .spec.image.pullPolicy }}
    ports:
      - name: http
        containerPort: {{ .spec.port }}
        protocol: TCP
    envFrom:
      - configMapRef:
          name: {{ include "recipe-ai.fullname" .ctx }}
      - secretRef:
          name: {{ include "recipe-ai.secretName" .ctx }}
    startupProbe:
      httpGet: { path: /health, port: http }
      periodSeconds: 2
      failureThreshold: 30
    livenessProbe:
      httpGet: { path: /health, port: http }
      periodSeconds: 10
      timeoutSeconds: 3
      failureThreshold: 3
    readinessProbe:
      httpGet: { path: /ready, port: http }
      periodSeconds: 5
      timeoutSeconds: 3
      failureThreshold: 2
    resources:
      {{- toYaml .spec.resources | nindent 6 }}
    securityContext:
      {{- toYaml .ctx.Values.securityContext | nindent 6 }}
{{- end -}}

{{/* recipe-ai.kedaPasswordSecret: the Secret and key KEDA reads the Valkey password
from, as a dict, or nothing when Valkey needs none. */}}
{{- define "recipe-ai.kedaPasswordSecret" -}}
{{- $v := .Values.valkey -}}
{{- if $v.passwordSecret.name -}}
{{- dict "name" $v.passwordSecret.name "key" $v.passwordSecret.key | toJson -}}
{{- else if and $v.password (not .Values.existingSecret) -}}
{{- dict "name" (printf "%s-valkey" (include "recipe-ai.fullname" .)) "key" "password" | toJson -}}
{{- end -}}
{{- end -}}
