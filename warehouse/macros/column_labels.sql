{#- A column's Chinese and English label is written once, on the model that first produces the
    column (column meta label_zh / label_en). A model that selects a column unchanged from a model
    or seed it depends on (same name, same meaning) gives no label and inherits that one: a label
    written again downstream would be a second home for it. dashboards/spec/presentation.py
    resolves the same way for the Superset bundle, which is generated without dbt. -#}

{#- The label a model's own YAML gives the column: {label_zh, label_en}, or none. -#}
{% macro own_column_label(node, column_name) -%}
    {%- set column = node.columns.get(column_name) -%}
    {%- set meta = (column.meta or column.config.meta or {}) if column else {} -%}
    {%- if meta.get('label_zh') or meta.get('label_en') -%}
        {{ return({'label_zh': meta.get('label_zh'), 'label_en': meta.get('label_en')}) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{#- The distinct labels of the column in the models and seeds the node depends on that have a
    column of that name (each resolved the same way). -#}
{% macro upstream_column_labels(node, column_name) -%}
    {%- set labels = [] -%}
    {%- for parent_id in node.get('depends_on', {}).get('nodes', []) -%}
        {%- set parent = graph.nodes.get(parent_id) -%}
        {%- if parent and column_name in parent.columns -%}
            {%- set label = column_label(parent, column_name) -%}
            {%- if label and label not in labels -%}
                {%- do labels.append(label) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(labels) }}
{%- endmacro %}


{#- The column's label: its own, else the one its upstream models agree on; none when they give
    none or disagree. -#}
{% macro column_label(node, column_name) -%}
    {%- set own = own_column_label(node, column_name) -%}
    {%- if own -%}
        {{ return(own) }}
    {%- endif -%}
    {%- set upstream = upstream_column_labels(node, column_name) -%}
    {{ return(upstream[0] if upstream | length == 1 else none) }}
{%- endmacro %}


{#- The columns of the models published in `schemas`, from the project's graph: one dict per
    column with schema_name, table_name, column_name, label_zh, label_en (the resolved label; none
    when there is none) and description. Empty at parse time, when the graph is not read. -#}
{% macro published_columns(schemas) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' and node.schema in schemas
                and node.config.materialized != 'ephemeral' -%}
                {%- for column in node.columns.values() -%}
                    {%- set label = column_label(node, column.name) or {} -%}
                    {%- do columns.append({
                        'schema_name': node.schema,
                        'table_name': node.alias or node.name,
                        'column_name': column.name,
                        'label_zh': label.get('label_zh'),
                        'label_en': label.get('label_en'),
                        'description': (column.description | replace('\n', ' ')) or none,
                    }) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The columns of every model that carry a label of their own although they would inherit one
    (their upstream models agree on it): the label lives in two places
    (tests/assert_column_labels_written_once.sql). One dict per column with model_name,
    column_name, label_zh, label_en (its own) and upstream_labels ("zh / en" of the upstream). -#}
{% macro relabelled_columns() -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' -%}
                {%- for column in node.columns.values() -%}
                    {%- set own = own_column_label(node, column.name) -%}
                    {%- set upstream = upstream_column_labels(node, column.name) if own else [] -%}
                    {#- Parents that disagree leave nothing to inherit: the model must say. -#}
                    {%- if upstream | length == 1 -%}
                        {%- set texts = [] -%}
                        {%- for label in upstream -%}
                            {%- do texts.append(label.get('label_zh') ~ ' / ' ~ label.get('label_en')) -%}
                        {%- endfor -%}
                        {%- do columns.append({
                            'model_name': node.name,
                            'column_name': column.name,
                            'label_zh': own.get('label_zh'),
                            'label_en': own.get('label_en'),
                            'upstream_labels': texts | join('; '),
                        }) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- A text value as a string literal of the engine's string type; NULL for none. -#}
{% macro text_literal(value) -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        cast({{ adapter.dispatch('quoted_text', 'jingfen')(value) }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- Quotes doubled (standard SQL). -#}
{% macro default__quoted_text(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- Spark reads '' as two adjacent literals (concatenated) and a backslash as an escape. -#}
{% macro spark__quoted_text(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
