-- Readers of the published copy: one row per column of the published models (schemas indicators
-- and marts) with its Chinese and English label (column meta label_zh / label_en, NULL where the
-- YAML gives none) and its description, read from the project's graph at build time, so that a
-- header is written once, beside the column it names.
{%- set columns = published_columns(['indicators', 'marts']) %}

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
