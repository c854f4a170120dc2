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

{{/*
Image reference of an app. The settings live in global.appImage, not global.image / global.imageRegistry:
Helm hands `global` to every subchart, and the KEDA, Loki and kube-prometheus-stack charts build their own
images from those keys. dict: ctx, repository, [tag]
*/}}
{{- define "ai.image" -}}
{{- $g := .ctx.Values.global.appImage -}}
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

{{/* Env shared by every app (POD_NAME and POD_NAMESPACE label its Loki streams). dict: ctx, logLevel */}}
{{- define "ai.commonEnv" -}}
- name: HOST
  value: "0.0.0.0"
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
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
"true" when Helm renders against a cluster (helm install/upgrade, helm template --dry-run=server): every API
server serves apiregistration.k8s.io/v1, and Helm's offline capabilities (helm template, helm lint) never
include it. Checks that ask the cluster what it has run only then. dict: ctx
*/}}
{{- define "ai.cluster.connected" -}}
{{- if .ctx.Capabilities.APIVersions.Has "apiregistration.k8s.io/v1" }}true{{ end -}}
{{- end -}}

{{/*
The cluster-scoped objects the KEDA chart creates under fixed names (its external metrics APIService, the
operator's ClusterRole, the admission webhook configuration), as `lookup` finds them: a YAML list, empty
under helm template. dict: ctx
*/}}
{{- define "ai.keda.lookupClusterScopedNames" -}}
{{- $found := list -}}
{{- range (list (list "apiregistration.k8s.io/v1" "APIService" "v1beta1.external.metrics.k8s.io") (list "rbac.authorization.k8s.io/v1" "ClusterRole" "keda-operator") (list "admissionregistration.k8s.io/v1" "ValidatingWebhookConfiguration" "keda-admission")) -}}
{{- $o := lookup (index . 0) (index . 1) "" (index . 2) -}}
{{- if $o }}{{ $found = append $found (dict "kind" (index . 1) "metadata" (pick $o.metadata "name" "annotations")) }}{{ end -}}
{{- end -}}
{{- toYaml $found -}}
{{- end -}}

{{/*
Fails the render when KEDA (or another external metrics server) already owns the cluster-scoped names a
sameRelease install creates: only one KEDA runs per cluster. Objects of this same release (an upgrade) pass.
dict: ctx, found (objects as lookup returns them)
*/}}
{{- define "ai.keda.checkClusterScopedNames" -}}
{{- if eq .ctx.Values.global.keda.mode "sameRelease" }}
{{- $foreign := list }}
{{- range .found }}
{{- $a := .metadata.annotations | default dict }}
{{- $owner := printf "%s/%s" (get $a "meta.helm.sh/release-namespace") (get $a "meta.helm.sh/release-name") }}
{{- if ne $owner (printf "%s/%s" $.ctx.Release.Namespace $.ctx.Release.Name) }}
{{- $foreign = append $foreign (printf "%s %s (%s)" .kind .metadata.name (ternary (printf "Helm release %s" $owner) "not installed by Helm" (ne $owner "/"))) }}
{{- end }}
{{- end }}
{{- if $foreign }}
{{- fail (printf "KEDA or another external metrics server is already in this cluster: %s. Only one can run per cluster: install this release with global.keda.mode=separateRelease and keda.enabled=false to use the KEDA that is there." (join ", " $foreign)) }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
PromQL label matchers that select one component of this release, whatever else the Prometheus (or Mimir)
holds: its namespace, and the job its scrape gives it. ServiceMonitors set job from the Service's
autoscaled-inference/job label (<release>-<component>); scrape annotations are read by a Prometheus job of its
own (global.monitoring.scrapeAnnotations.job), which keeps the pod's labels. dict: ctx, component
*/}}
{{- define "ai.metricsSelector" -}}
{{- $m := .ctx.Values.global.monitoring -}}
{{- if $m.serviceMonitor.enabled -}}
namespace={{ .ctx.Release.Namespace | quote }},job={{ include "ai.jobName" . | quote }}
{{- else -}}
namespace={{ .ctx.Release.Namespace | quote }},job={{ $m.scrapeAnnotations.job | quote }},app_kubernetes_io_instance={{ .ctx.Release.Name | quote }},app_kubernetes_io_name={{ .component | quote }}
{{- end -}}
{{- end -}}

{{/* The Prometheus job of one component of this release when scraped through its ServiceMonitor. dict: ctx, component */}}
{{- define "ai.jobName" -}}
{{- include "ai.name" (dict "ctx" .ctx "suffix" .component) -}}
{{- end -}}

{{/* Whether the ServiceMonitor path is on (else scrape annotations). */}}
{{- define "ai.serviceMonitor.enabled" -}}
{{- if .ctx.Values.global.monitoring.serviceMonitor.enabled }}true{{ end -}}
{{- end -}}

{{/*
Prometheus scrape annotations, used when ServiceMonitors are off. Pods only: a Prometheus that reads
prometheus.io annotations on Services too (the prometheus-community chart's kubernetes-service-endpoints job)
would scrape every pod a second time. dict: ctx, port
*/}}
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
  # job = the Service's autoscaled-inference/job label (<release>-<component>), which the triggers, alert rules
  # and dashboards select.
  jobLabel: autoscaled-inference/job
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
A KEDA ScaledObject (or, in hpa mode, a plain autoscaling/v2 HPA on CPU for clusters without KEDA). An
ordinary release resource in both KEDA modes: upgrades patch it in place (KEDA keeps its HPA), rollbacks
restore it, and uninstall deletes it (in sameRelease, a pre-delete hook does so while KEDA still runs).
What KEDA would reject fails here, with the values to change: no trigger, a fallback without failureThreshold
and replicas, a fallback beside cpu/memory or Value triggers.
dict: ctx, name, component, [model], target (Deployment name), autoscaling (values), triggers (list),
where (the values path, for messages), knobs (the values that add triggers, for messages)
*/}}
{{- define "ai.scaledObject" -}}
{{- $a := .autoscaling -}}
{{- $mode := .ctx.Values.global.keda.mode -}}
{{- if and $a.enabled (or (eq $mode "sameRelease") (eq $mode "separateRelease")) }}
{{- if not .triggers }}
{{- fail (printf "%s: autoscaling is on but has no trigger; turn one on (%s) or set autoscaling.enabled=false" .where .knobs) }}
{{- end }}
{{- if and (eq (int $a.minReplicaCount) 0) (not (include "ai.hasExternalTrigger" .triggers)) }}
{{- fail (printf "%s: minReplicaCount 0 needs a trigger other than cpu/memory (KEDA cannot scale to zero on CPU)" .name) }}
{{- end }}
{{- $triggers := .triggers }}
{{- with $a.fallback }}
{{- if not (and (hasKey . "failureThreshold") (hasKey . "replicas")) }}
{{- fail (printf "%s.fallback needs both failureThreshold and replicas (got %s)" $.where (toJson .)) }}
{{- end }}
{{- range $triggers }}
{{- if has .type (list "cpu" "memory") }}
{{- fail (printf "%s.fallback: KEDA supports no fallback beside the %s trigger; set %s.cpu.enabled=false, or drop the fallback" $.where .type $.where) }}
{{- end }}
{{- if and .metricType (ne .metricType "AverageValue") }}
{{- fail (printf "%s.fallback: KEDA supports fallback only for AverageValue triggers, and a %s trigger here is %s (the latency trigger); drop one of them" $.where .type .metricType) }}
{{- end }}
{{- end }}
{{- /* KEDA checks the metricType of every trigger against the fallback: spell out its default. */}}
{{- $explicit := list }}
{{- range $triggers }}{{ $explicit = append $explicit (merge (dict "metricType" "AverageValue") .) }}{{ end }}
{{- $triggers = $explicit }}
{{- end }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
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
    {{- toYaml $triggers | nindent 4 }}
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
