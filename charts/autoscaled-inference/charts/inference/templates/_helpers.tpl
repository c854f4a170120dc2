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

{{/*
Where KEDA's redis list scaler finds Redis, as YAML {address, tls, secretName, secretKey, usernameKey}:
- backlog.redis.address / passwordSecret when set;
- an external Redis given by global.externalRedis.url: host:port from the URL, the password (and user) from
  the Secret the chart creates from it, TLS for rediss://;
- an external Redis in global.externalRedis.existingSecret: the chart cannot read it, so address and
  passwordSecret.name must be set;
- else the in-chart Redis Service and its password Secret.
dict: ctx, model (merged values)
*/}}
{{- define "inference.redisTrigger" -}}
{{- $g := .ctx.Values.global -}}
{{- $r := .model.autoscaling.backlog.redis -}}
{{- $external := include "ai.externalRedis.enabled" (dict "ctx" .ctx) -}}
{{- $out := dict "address" $r.address "tls" $r.tls "secretName" $r.passwordSecret.name "secretKey" $r.passwordSecret.key "usernameKey" "" -}}
{{- if and $external $g.externalRedis.url (not $g.externalRedis.existingSecret) -}}
{{- $u := urlParse $g.externalRedis.url -}}
{{- if not $r.address -}}
{{- $_ := set $out "address" (ternary $u.host (printf "%s:6379" $u.host) (contains ":" $u.host)) -}}
{{- end -}}
{{- if eq $u.scheme "rediss" }}{{ $_ := set $out "tls" true }}{{ end -}}
{{- if not $r.passwordSecret.name -}}
{{- $_ := set $out "secretName" (include "ai.externalRedis.secretName" (dict "ctx" .ctx)) -}}
{{- $_ := set $out "secretKey" "redis-password" -}}
{{- if (splitList ":" $u.userinfo | first) }}{{ $_ := set $out "usernameKey" "redis-username" }}{{ end -}}
{{- end -}}
{{- else if $external -}}
{{- if not (and $r.address $r.passwordSecret.name) -}}
{{- fail (printf "global.models[%s].autoscaling.backlog.type=redis with global.externalRedis.existingSecret: the chart cannot read that Secret, so set backlog.redis.address (host:port), backlog.redis.passwordSecret.name (and .key), and backlog.redis.tls for TLS" .model.name) -}}
{{- end -}}
{{- else -}}
{{- if not $r.address }}{{ $_ := set $out "address" (printf "%s:6379" (include "ai.redis.host" (dict "ctx" .ctx))) }}{{ end -}}
{{- if not $r.passwordSecret.name }}{{ $_ := set $out "secretName" (include "ai.redis.secretName" (dict "ctx" .ctx)) }}{{ $_ := set $out "secretKey" $g.redis.auth.existingSecretKey }}{{ end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}
