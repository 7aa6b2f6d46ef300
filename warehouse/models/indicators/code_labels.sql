-- Readers of the published copy: one row per code_type and code of the code tables the reports
-- and dashboards show (brands, VIP tiers, tenure bands, segment types, aging buckets, group
-- classes), with its Chinese and English name and its display order, taken from the seeds.
{%- set code_tables = [
    ('brand', 'brands', none),
    ('vip_tier', 'vip_tiers', 'tier_order'),
    ('tenure_band', 'tenure_bands', 'band_order'),
    ('segment_type', 'segment_types', none),
    ('aging_bucket', 'aging_buckets', 'bucket_order'),
    ('group_class', 'group_classes', none),
] %}

with

{% for code_type, seed, order_column in code_tables %}
{{ seed }} as (
    select
        '{{ code_type }}' as code_type,
        {{ code_type }} as code,
        {{ code_type }}_name_zh as name_zh,
        {{ code_type }}_name_en as name_en,
        {{ order_column or 'row_number() over (order by ' ~ code_type ~ ')' }} as display_order
    from {{ ref(seed) }}
),
{% endfor %}

final as (
    {%- for code_type, seed, order_column in code_tables %}
    select
        cast(code_type as {{ dbt.type_string() }}) as code_type,
        cast(code as {{ dbt.type_string() }}) as code,
        cast(name_zh as {{ dbt.type_string() }}) as name_zh,
        cast(name_en as {{ dbt.type_string() }}) as name_en,
        cast(display_order as integer) as display_order
    from {{ seed }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
