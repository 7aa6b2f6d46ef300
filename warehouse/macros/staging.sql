{#- What every staging model does with the bookkeeping columns ingestion adds to a delivery's rows
    (models/staging/boss/). -#}

{#- Where a row came from (file and line) and when it was loaded, under the warehouse's names. -#}
{% macro lineage_renamed() -%}
        _file_name as source_file_name,
        _line_no as source_line_no,
        _loaded_at as loaded_at
{%- endmacro %}


{#- 1 on the row a key keeps when split or repeated deliveries hold it more than once: the latest
    load, then the last file and line. `key_columns` are lake columns, within the province. -#}
{% macro delivery_rank(key_columns) -%}
        row_number() over (
            partition by _province_code, {{ key_columns | join(', ') }}
            order by _loaded_at desc, _file_name desc, _line_no desc
        ) as delivery_rank
{%- endmacro %}
