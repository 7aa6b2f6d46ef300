-- Readers of the published copy: one row per column of the published models (schemas indicators,
-- marts and presentation) with its Chinese and English label and its description, read from the
-- project's graph at build time. A label is written once, on the model that first produces the
-- column; a model that passes the column through inherits it (macros/column_labels.sql). NULL
-- where neither gives one (the marts' columns).
{%- set columns = published_columns(['indicators', 'marts', 'presentation']) %}

with

labels as (
    {%- for column in columns %}
    select
        {{ text_literal(column.schema_name) }} as schema_name,
        {{ text_literal(column.table_name) }} as table_name,
        {{ text_literal(column.column_name) }} as column_name,
        {{ text_literal(column.label_zh) }} as label_zh,
        {{ text_literal(column.label_en) }} as label_en,
        {{ text_literal(column.description) }} as description
    {{ "union all" if not loop.last }}
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
    {%- endfor %}
),

final as (
    select * from labels
)

select * from final
