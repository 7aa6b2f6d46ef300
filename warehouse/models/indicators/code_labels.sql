-- Readers of the published copy: one row per code_type and code of every code table of the seeds,
-- with its Chinese and English name and its display order; the one published home of code names
-- (the seeds themselves are not published). code_type is the prefix of the seed's name columns:
-- the code column's name, but province (the provinces of the cities seed) and industry. City names
-- are marts.dim_cities', which also knows the codes the data spells with or without a leading zero.
{%- set code_tables = [
    ('aging_bucket', 'aging_buckets', 'aging_bucket', 'bucket_order'),
    ('brand', 'brands', 'brand', none),
    ('carrier', 'carriers', 'carrier', none),
    ('channel_type', 'channel_types', 'channel_type', none),
    ('event_type', 'event_types', 'event_type', none),
    ('group_class', 'group_classes', 'group_class', none),
    ('iface', 'interfaces', 'iface', none),
    ('industry', 'industries', 'industry_code', none),
    ('item_class', 'item_classes', 'item_class', none),
    ('level', 'rollup_levels', 'level', 'level_rank'),
    ('load_status', 'load_statuses', 'load_status', none),
    ('pay_type', 'pay_types', 'pay_type', none),
    ('province', 'cities', 'province_code', none),
    ('roam_type', 'roam_types', 'roam_type', none),
    ('segment_type', 'segment_types', 'segment_type', none),
    ('severity', 'check_severities', 'severity', none),
    ('tenure_band', 'tenure_bands', 'tenure_band', 'band_order'),
    ('toll_type', 'toll_types', 'toll_type', none),
    ('user_status', 'user_statuses', 'user_status', none),
    ('vip_tier', 'vip_tiers', 'vip_tier', 'tier_order'),
] %}

with

{% for code_type, seed, code_column, order_column in code_tables %}
{{ code_type }}_codes as (
    -- distinct: the cities seed names a province once per city; dense_rank ranks the codes
    select distinct
        '{{ code_type }}' as code_type,
        {{ code_column }} as code,
        {{ code_type }}_name_zh as name_zh,
        {{ code_type }}_name_en as name_en,
        {{ order_column or 'dense_rank() over (order by ' ~ code_column ~ ')' }} as display_order
    from {{ ref(seed) }}
),
{% endfor %}

final as (
    {%- for code_type, seed, code_column, order_column in code_tables %}
    select
        cast(code_type as {{ dbt.type_string() }}) as code_type,
        cast(code as {{ dbt.type_string() }}) as code,
        cast(name_zh as {{ dbt.type_string() }}) as name_zh,
        cast(name_en as {{ dbt.type_string() }}) as name_en,
        cast(display_order as integer) as display_order
    from {{ code_type }}_codes
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
