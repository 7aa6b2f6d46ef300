-- Readers of the published copy: one row per column of the published models (schemas indicators,
-- marts and presentation) with its Chinese and English label and its description, read from the
-- project's graph at build time. A label is written once, on the model that first produces the
-- column; a model that passes the column through inherits it (macros/column_labels.sql). NULL
-- where neither gives one (the marts' columns).
{%- set columns = published_columns(['indicators', 'marts', 'presentation']) %}

with

labels as (
    {%- if columns %}
    -- one VALUES list, not a union of 600 selects: Spark's analyzer recurses once per union
    -- branch and overflows its stack
    select
        labelled.schema_name,
        labelled.table_name,
        labelled.column_name,
        labelled.label_zh,
        labelled.label_en,
        labelled.description
    from (
        values
        {%- for column in columns %}
        (
            {{ text_literal(column.schema_name) }},
            {{ text_literal(column.table_name) }},
            {{ text_literal(column.column_name) }},
            {{ text_literal(column.label_zh) }},
            {{ text_literal(column.label_en) }},
            {{ text_literal(column.description) }}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as labelled (schema_name, table_name, column_name, label_zh, label_en, description)
    {%- else %}
    -- at parse time the graph is not read yet: the same columns, no rows
    select
        {{ text_literal(none) }} as schema_name,
        {{ text_literal(none) }} as table_name,
        {{ text_literal(none) }} as column_name,
        {{ text_literal(none) }} as label_zh,
        {{ text_literal(none) }} as label_en,
        {{ text_literal(none) }} as description
    where 1 = 0
    {%- endif %}
),

final as (
    select * from labels
)

select * from final
