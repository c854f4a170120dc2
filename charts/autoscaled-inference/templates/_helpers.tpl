{{/*
Helpers shared by the umbrella chart and its local subcharts. Helm keeps one template namespace per
release, so the subcharts include these; each takes a dict with `ctx` (the caller's root context) where it
needs one, and reads only `.Values.global` from it, which every chart sees the same.
*/}}

{{/* Common labels. dict: ctx, component, [model] */}}
{{- define "ai.labels" -}}
{{ include "ai.selectorLabels" . }}
app.kubernetes.io/part-of: autoscaled-inference
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 }}
{{- end -}}

{{/* Selector labels: stable across upgrades. dict: ctx, component, [model] */}}
{{- define "ai.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .model }}
autoscaled-inference/model: {{ . }}
{{- end }}
{{- end -}}

{{/* A release-scoped object name: <release>-<suffix>, at most 63 characters. dict: ctx, suffix */}}
{{- define "ai.name" -}}
{{- printf "%s-%s" .ctx.Release.Name .suffix | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image reference. dict: ctx, repository, [tag] */}}
{{- define "ai.image" -}}
{{- $g := .ctx.Values.global.image -}}
{{- $tag := .tag | default $g.tag | default .ctx.Chart.AppVersion -}}
{{- if $g.registry -}}
{{- printf "%s/%s:%s" $g.registry .repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Pod-level securityContext used by every app: non-root, RuntimeDefault seccomp. */}}
{{- define "ai.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level securityContext used by every app: read-only root, no privilege, no capabilities. */}}
{{- define "ai.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* The in-chart Redis Secret holding the password (created by the redis subchart unless existingSecret). */}}
{{- define "ai.redis.secretName" -}}
{{- .ctx.Values.global.redis.auth.existingSecret | default (include "ai.name" (dict "ctx" .ctx "suffix" "redis")) -}}
{{- end -}}

{{- define "ai.redis.host" -}}
{{- printf "%s.%s.svc" (include "ai.name" (dict "ctx" .ctx "suffix" "redis")) .ctx.Release.Namespace -}}
{{- end -}}

{{/* The Secret holding a full redis:// URL for an external Redis. */}}
{{- define "ai.externalRedis.secretName" -}}
{{- .ctx.Values.global.externalRedis.existingSecret | default (include "ai.name" (dict "ctx" .ctx "suffix" "external-redis")) -}}
{{- end -}}

{{- define "ai.externalRedis.enabled" -}}
{{- if or .ctx.Values.global.externalRedis.url .ctx.Values.global.externalRedis.existingSecret }}true{{ end -}}
{{- end -}}

{{/*
Environment that gives an app REDIS_URL: from the external-Redis Secret, or composed from the in-chart
Redis password with Kubernetes' $(VAR) expansion (the generated password is alphanumeric, so no escaping).
dict: ctx
*/}}
{{- define "ai.redis.env" -}}
{{- if include "ai.externalRedis.enabled" . }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "ai.externalRedis.secretName" . }}
      key: {{ .ctx.Values.global.externalRedis.existingSecretKey }}
{{- else }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "ai.redis.secretName" . }}
      key: {{ .ctx.Values.global.redis.auth.existingSecretKey }}
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:6379" (include "ai.redis.host" .) | quote }}
{{- end }}
{{- end -}}

{{/* LOKI_URL for the apps: explicit, or the in-release Loki's service (grafana loki chart naming). dict: ctx */}}
{{- define "ai.lokiUrl" -}}
{{- $l := .ctx.Values.global.logs -}}
{{- if $l.lokiUrl -}}
{{- $l.lokiUrl -}}
{{- else if $l.inReleaseLoki -}}
{{- $name := ternary .ctx.Release.Name (printf "%s-loki" .ctx.Release.Name) (contains "loki" .ctx.Release.Name) | trunc 63 | trimSuffix "-" -}}
{{- printf "http://%s.%s.svc:3100" $name .ctx.Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* Env shared by every app. dict: ctx, logLevel */}}
{{- define "ai.commonEnv" -}}
- name: HOST
  value: "0.0.0.0"
- name: LOG_LEVEL
  value: {{ .logLevel | default "info" | quote }}
{{- with include "ai.lokiUrl" . }}
- name: LOKI_URL
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
Prometheus server the KEDA triggers query: explicit, or the in-release kube-prometheus-stack Prometheus
(its fullname is "<release>-kube-prometheus-stack" cut to 26 characters, or the release name when that
already contains the chart name).
*/}}
{{- define "ai.prometheus.serverAddress" -}}
{{- $p := .ctx.Values.global.prometheus -}}
{{- if $p.serverAddress -}}
{{- $p.serverAddress -}}
{{- else -}}
{{- $rel := .ctx.Release.Name -}}
{{- $full := ternary $rel (printf "%s-kube-prometheus-stack" $rel) (contains "kube-prometheus-stack" $rel) | trunc 26 | trimSuffix "-" -}}
{{- printf "http://%s-prometheus.%s.svc:9090" $full .ctx.Release.Namespace -}}
{{- end -}}
{{- end -}}

{{- define "ai.prometheus.authName" -}}
{{- include "ai.name" (dict "ctx" .ctx "suffix" "prometheus-auth") -}}
{{- end -}}

{{/*
Annotations that decide when KEDA objects are applied. In sameRelease mode KEDA's CRDs are installed from
the KEDA chart's templates in this same release, so the API server does not know ScaledObject when Helm
validates the release's manifests (kedacore/charts#226): KEDA objects become post-install/post-upgrade hooks,
applied after the main manifests (KEDA included) exist. In separateRelease mode KEDA is already installed and
the objects are ordinary release resources. dict: ctx, weight
*/}}
{{- define "ai.keda.hookAnnotations" -}}
{{- if eq .ctx.Values.global.keda.mode "sameRelease" }}
helm.sh/hook: post-install,post-upgrade
helm.sh/hook-weight: {{ .weight | default "0" | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end }}
{{- end -}}

{{/* Whether the ServiceMonitor path is on (else scrape annotations). */}}
{{- define "ai.serviceMonitor.enabled" -}}
{{- if .ctx.Values.global.monitoring.serviceMonitor.enabled }}true{{ end -}}
{{- end -}}

{{/* Prometheus scrape annotations for pods, used when ServiceMonitors are off. dict: ctx, port */}}
{{- define "ai.scrapeAnnotations" -}}
{{- if not (include "ai.serviceMonitor.enabled" .) }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/*
A ServiceMonitor for one Service. kube-prometheus-stack selects ServiceMonitors labelled
release=<its release name> unless told otherwise, so the label comes from
global.monitoring.serviceMonitor.prometheusRelease (default: this release).
dict: ctx, name, component, [model]
*/}}
{{- define "ai.serviceMonitor" -}}
{{- if include "ai.serviceMonitor.enabled" . }}
{{- $sm := .ctx.Values.global.monitoring.serviceMonitor }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "ai.labels" . | nindent 4 }}
    release: {{ $sm.prometheusRelease | default .ctx.Release.Name | quote }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "ai.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames: [{{ .ctx.Release.Namespace | quote }}]
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $sm.interval }}
      scrapeTimeout: {{ $sm.scrapeTimeout }}
{{- end }}
{{- end -}}

{{/*
A KEDA ScaledObject (or, in hpa mode, a plain autoscaling/v2 HPA on CPU for clusters without KEDA).
dict: ctx, name, component, [model], target (Deployment name), autoscaling (values), triggers (list)
*/}}
{{- define "ai.scaledObject" -}}
{{- $a := .autoscaling -}}
{{- $mode := .ctx.Values.global.keda.mode -}}
{{- if and $a.enabled (or (eq $mode "sameRelease") (eq $mode "separateRelease")) }}
{{- if and (eq (int $a.minReplicaCount) 0) (not (include "ai.hasExternalTrigger" .triggers)) }}
{{- fail (printf "%s: minReplicaCount 0 needs a trigger other than cpu/memory (KEDA cannot scale to zero on CPU)" .name) }}
{{- end }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "ai.labels" . | nindent 4 }}
  {{- with include "ai.keda.hookAnnotations" (dict "ctx" .ctx "weight" "0") | trim }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .target }}
  minReplicaCount: {{ $a.minReplicaCount }}
  maxReplicaCount: {{ $a.maxReplicaCount }}
  pollingInterval: {{ $a.pollingInterval }}
  cooldownPeriod: {{ $a.cooldownPeriod }}
  {{- with $a.fallback }}
  fallback:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  advanced:
    horizontalPodAutoscalerConfig:
      name: {{ .name }}
      behavior:
        {{- toYaml $a.behavior | nindent 8 }}
  triggers:
    {{- toYaml .triggers | nindent 4 }}
{{- else if and $a.enabled (eq $mode "hpa") }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "ai.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .target }}
  minReplicas: {{ max 1 (int $a.minReplicaCount) }}
  maxReplicas: {{ $a.maxReplicaCount }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.cpu.utilization }}
  behavior:
    {{- toYaml $a.behavior | nindent 4 }}
{{- end }}
{{- end -}}

{{/* "true" when a trigger list holds a trigger KEDA can activate from zero (anything but cpu/memory). */}}
{{- define "ai.hasExternalTrigger" -}}
{{- range . }}{{ if not (has .type (list "cpu" "memory")) }}true{{ end }}{{ end -}}
{{- end -}}

{{/* The authenticationRef a Prometheus trigger needs when basic auth is on. dict: ctx */}}
{{- define "ai.prometheus.trigger" -}}
{{- $p := .ctx.Values.global.prometheus -}}
type: prometheus
metadata:
  serverAddress: {{ include "ai.prometheus.serverAddress" . | quote }}
  query: {{ .query | quote }}
  threshold: {{ .threshold | toString | quote }}
  {{- with .activationThreshold }}
  activationThreshold: {{ . | toString | quote }}
  {{- end }}
  ignoreNullValues: "true"
  {{- if $p.basicAuth.enabled }}
  authModes: basic
  {{- end }}
{{- with .metricType }}
metricType: {{ . }}
{{- end }}
{{- if $p.basicAuth.enabled }}
authenticationRef:
  name: {{ include "ai.prometheus.authName" . }}
{{- end }}
{{- end -}}

{{/* Pod-selector for NetworkPolicies: pods of this release that are Redis clients. */}}
{{- define "ai.redisClientLabel" -}}
autoscaled-inference/redis-client: "true"
{{- end -}}
