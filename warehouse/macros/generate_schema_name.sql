{#- Schemas are named by layer (staging, history, intermediate, marts, indicators, reference),
    not prefixed with the target schema: the published tables must be `indicators.<name>`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
