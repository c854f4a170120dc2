{{- define "dispatcher.fullname" -}}
{{- include "ai.name" (dict "ctx" . "suffix" "dispatcher") -}}
{{- end -}}

{{- define "dispatcher.apiKeysSecret" -}}
{{- .Values.apiKeys.existingSecret | default (printf "%s-api-keys" (include "dispatcher.fullname" .)) -}}
{{- end -}}

{{/* INFERENCE_URLS: one model=url pair per entry of global.models, pointing at that model's Service. */}}
{{- define "dispatcher.inferenceUrls" -}}
{{- $pairs := list -}}
{{- range .Values.global.models -}}
{{- $svc := include "ai.name" (dict "ctx" $ "suffix" (printf "inference-%s" .name)) -}}
{{- $pairs = append $pairs (printf "%s=http://%s:8080" .name $svc) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}
