-- Province names; one row per province code of the cities seed.
{{ config(materialized='ephemeral') }}

with

cities as (
    select * from {{ ref('dim_cities') }}
),

final as (
    select distinct
        province_code,
        province_name_zh,
        province_name_en
    from cities
    where province_code is not null
)

select * from final
