{{/* Chart name, truncated for label values */}}
{{- define "snmf.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: <release>-snmf-service unless the release name already contains the chart name */}}
{{- define "snmf.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "snmf.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "snmf.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component (api, worker, postgresql): pass (dict "ctx" $ "component" "api") */}}
{{- define "snmf.selectorLabels" -}}
app.kubernetes.io/name: {{ include "snmf.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "snmf.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "snmf.workerImage" -}}
{{- $repo := default .Values.image.repository .Values.worker.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.worker.image.tag }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/* Secret holding the database user and password */}}
{{- define "snmf.dbSecretName" -}}
{{- if .Values.postgresql.bundled.enabled }}
{{- printf "%s-postgresql" (include "snmf.fullname" .) }}
{{- else }}
{{- required "postgresql.external.existingSecret is required when postgresql.bundled.enabled=false" .Values.postgresql.external.existingSecret }}
{{- end }}
{{- end }}

{{- define "snmf.dbUsernameKey" -}}
{{- if .Values.postgresql.bundled.enabled }}username{{ else }}{{ .Values.postgresql.external.usernameKey }}{{ end }}
{{- end }}

{{- define "snmf.dbPasswordKey" -}}
{{- if .Values.postgresql.bundled.enabled }}password{{ else }}{{ .Values.postgresql.external.passwordKey }}{{ end }}
{{- end }}

{{- define "snmf.datasourceUrl" -}}
{{- if .Values.postgresql.bundled.enabled }}
{{- printf "jdbc:postgresql://%s-postgresql:5432/%s" (include "snmf.fullname" .) .Values.postgresql.bundled.database }}
{{- else }}
{{- required "postgresql.external.url is required when postgresql.bundled.enabled=false" .Values.postgresql.external.url }}
{{- end }}
{{- end }}

{{- define "snmf.hfSecretName" -}}
{{- if .Values.huggingface.existingSecret }}
{{- .Values.huggingface.existingSecret }}
{{- else if .Values.huggingface.token }}
{{- printf "%s-hf" (include "snmf.fullname" .) }}
{{- end }}
{{- end }}

{{- define "snmf.adminKeySecretName" -}}
{{- if .Values.security.bootstrapAdminKey.existingSecret }}
{{- .Values.security.bootstrapAdminKey.existingSecret }}
{{- else if .Values.security.bootstrapAdminKey.value }}
{{- printf "%s-admin-key" (include "snmf.fullname" .) }}
{{- end }}
{{- end }}

{{- define "snmf.claimName" -}}
{{- default (printf "%s-data" (include "snmf.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* Pod annotations: Prometheus scraping, a checksum that restarts pods when the ConfigMap changes, extras */}}
{{- define "snmf.podAnnotations" -}}
{{- $annotations := dict "checksum/config" (include (print .ctx.Template.BasePath "/configmap.yaml") .ctx | sha256sum) }}
{{- if .ctx.Values.metrics.enabled }}
{{- $_ := set $annotations "prometheus.io/scrape" "true" }}
{{- $_ := set $annotations "prometheus.io/port" (toString .ctx.Values.management.port) }}
{{- $_ := set $annotations "prometheus.io/path" .ctx.Values.metrics.path }}
{{- end }}
{{- toYaml (merge $annotations (default (dict) .extra)) }}
{{- end }}

{{/* Environment shared by API and worker containers: role, database credentials, HF token */}}
{{- define "snmf.env" -}}
- name: SNMF_ROLE
  value: {{ .role | quote }}
- name: JAVA_TOOL_OPTIONS
  value: {{ .javaToolOptions | quote }}
- name: SPRING_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "snmf.dbSecretName" .ctx }}
      key: {{ include "snmf.dbUsernameKey" .ctx }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "snmf.dbSecretName" .ctx }}
      key: {{ include "snmf.dbPasswordKey" .ctx }}
{{- with (include "snmf.adminKeySecretName" .ctx) }}
- name: SNMF_SECURITY_BOOTSTRAP_ADMIN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.ctx.Values.security.bootstrapAdminKey.secretKey }}
{{- end }}
{{- with (include "snmf.hfSecretName" .ctx) }}
- name: HF_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.ctx.Values.huggingface.tokenKey }}
{{- end }}
{{- end }}

{{/* Actuator probes on the management port */}}
{{- define "snmf.probes" -}}
startupProbe:
  httpGet:
    path: {{ .Values.probes.liveness.path }}
    port: management
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: {{ .Values.probes.liveness.path }}
    port: management
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: {{ .Values.probes.readiness.path }}
    port: management
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end }}

{{- define "snmf.dataVolume" -}}
- name: data
{{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "snmf.claimName" . }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}

{{/* ServiceAccount of the worker pods when the Spark path is on (its driver creates executor pods). */}}
{{- define "snmf.sparkServiceAccountName" -}}
{{- default (printf "%s-spark" (include "snmf.fullname" .)) .Values.spark.serviceAccount.name -}}
{{- end }}
