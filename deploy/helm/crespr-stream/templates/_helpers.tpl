{{/* Chart name, release-qualified name and labels, as `helm create` makes them. */}}
{{- define "crespr.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "crespr.fullname" -}}
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

{{- define "crespr.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "crespr.labels" -}}
helm.sh/chart: {{ include "crespr.chart" . }}
{{ include "crespr.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: crespr-stream
{{- end }}

{{- define "crespr.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crespr.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* A stage's objects: dict "root" $ "stage" <key of services> "svc" <its values>. */}}
{{- define "crespr.stage.name" -}}
{{- printf "%s-%s" (include "crespr.fullname" .root) .svc.name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "crespr.stage.labels" -}}
{{ include "crespr.labels" .root }}
app.kubernetes.io/component: {{ .stage }}
{{- end }}

{{- define "crespr.stage.selectorLabels" -}}
{{ include "crespr.selectorLabels" .root }}
app.kubernetes.io/component: {{ .stage }}
{{- end }}

{{/* The stage's image: the -cuda variant when it runs on a GPU. */}}
{{- define "crespr.stage.image" -}}
{{- $image := .root.Values.image }}
{{- $tag := $image.tag | default .root.Chart.AppVersion }}
{{- printf "%s/%s:%s%s" $image.repository .svc.name $tag (ternary $image.cudaSuffix "" (eq (toString .svc.gpu) "true")) }}
{{- end }}

{{/*
Partitions of a topic: dict "root" $ "topic" <name>. The configured partitions, or the count given
for that topic in kafka.topicPartitions if larger; when the chart owns the topics (strimzi.enabled),
raised further to the largest maxReplicas of the stages that consume the topic.
*/}}
{{- define "crespr.topicPartitions" -}}
{{- $values := .root.Values }}
{{- $partitions := int $values.kafka.partitions }}
{{- $pinned := index ($values.kafka.topicPartitions | default dict) .topic }}
{{- if $pinned }}
{{- $partitions = max $partitions (int $pinned) }}
{{- end }}
{{- if $values.strimzi.enabled }}
{{- range $stage, $svc := $values.services }}
{{- if has $.topic $svc.inputTopics }}
{{- $partitions = max $partitions (int $svc.autoscaling.maxReplicas) }}
{{- end }}
{{- end }}
{{- end }}
{{- $partitions }}
{{- end }}

{{/* Every input topic of the stages, once each, in the order of the services map. */}}
{{- define "crespr.inputTopics" -}}
{{- $topics := list }}
{{- range $stage, $svc := .Values.services }}
{{- range $svc.inputTopics }}
{{- if not (has . $topics) }}
{{- $topics = append $topics . }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $topics }}
{{- end }}

{{/* The checkpoint store's location as the services see it. */}}
{{- define "crespr.checkpointStore" -}}
{{- $store := .Values.checkpointStore }}
{{- if eq $store.type "persistentVolumeClaim" }}
{{- $store.mountPath }}
{{- else if eq $store.type "objectStore" }}
{{- required "checkpointStore.objectStore.uri is required when checkpointStore.type is objectStore" $store.objectStore.uri }}
{{- else }}
{{- fail (printf "checkpointStore.type must be persistentVolumeClaim or objectStore, not %q" $store.type) }}
{{- end }}
{{- end }}

{{- define "crespr.checkpointClaim" -}}
{{- .Values.checkpointStore.persistentVolumeClaim.existingClaim | default (printf "%s-checkpoints" (include "crespr.fullname" .)) }}
{{- end }}

{{- define "crespr.dataClaim" -}}
{{- .Values.data.persistentVolumeClaim.existingClaim | default (printf "%s-data" (include "crespr.fullname" .)) }}
{{- end }}
