{{/*
The models this chart deploys: global.models, each deep-merged over .Values.defaults.
Rendered as YAML ({items: [...]}) so templates can range over real maps.
*/}}
{{- define "inference.models" -}}
{{- $items := list -}}
{{- range $entry := .Values.global.models -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $entry.name) -}}
{{- fail (printf "global.models: %q is not a DNS label (lower-case letters, digits and '-')" $entry.name) -}}
{{- end -}}
{{- $items = append $items (mergeOverwrite (deepCopy $.Values.defaults) (deepCopy $entry)) -}}
{{- end -}}
{{- toYaml (dict "items" $items) -}}
{{- end -}}

{{/* Deployment/Service name of one model's inference server. dict: ctx, model */}}
{{- define "inference.fullname" -}}
{{- include "ai.name" (dict "ctx" .ctx "suffix" (printf "inference-%s" .model)) -}}
{{- end -}}
