{#- The columns of the models published in `schemas`, from the project's graph: one dict per
    column with schema_name, table_name, column_name, label_zh, label_en (column meta; none when
    the YAML gives no label) and description. Empty at parse time, when the graph is not read. -#}
{% macro published_columns(schemas) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' and node.schema in schemas -%}
                {%- for column in node.columns.values() -%}
                    {%- set meta = column.meta or column.config.meta or {} -%}
                    {%- do columns.append({
                        'schema_name': node.schema,
                        'table_name': node.alias or node.name,
                        'column_name': column.name,
                        'label_zh': meta.get('label_zh'),
                        'label_en': meta.get('label_en'),
                        'description': (column.description | replace('\n', ' ')) or none,
                    }) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- A text value as a string literal of the engine's string type, quotes doubled; NULL for none. -#}
{% macro text_literal(value) -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        cast('{{ value | replace("'", "''") }}' as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
