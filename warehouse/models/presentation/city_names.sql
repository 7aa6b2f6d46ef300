-- City names by code with leading zeros ignored (0571 and 571 are both 杭州); one row per such
-- key, so joining it never multiplies rows. A code known only from the data has no name here.
{{ config(materialized='ephemeral') }}

with

cities as (
    select * from {{ ref('dim_cities') }}
),

final as (
    select
        {{ without_leading_zeros('city_code') }} as city_key,
        max(case when is_known then city_name_zh end) as city_name_zh,
        max(case when is_known then city_name_en end) as city_name_en
    from cities
    group by {{ without_leading_zeros('city_code') }}
)

select * from final
