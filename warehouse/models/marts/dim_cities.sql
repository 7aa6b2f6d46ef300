-- One row per city_code: every city in the reference seed plus every code the USER, CUST,
-- GROUP and CHANNEL snapshots mention (labelled 未知 / Unknown when the seed lacks it).
with

cities as (
    select * from {{ ref('cities') }}
),

users as (
    select * from {{ ref('stg_boss__users') }}
),

groups as (
    select * from {{ ref('stg_boss__groups') }}
),

channels as (
    select * from {{ ref('stg_boss__channels') }}
),

seen_codes as (
    select city_code from cities
    union
    select city_code from users
    union
    select city_code from groups
    union
    select city_code from channels
    union
    select 'UNKNOWN' as city_code
),

final as (
    select
        seen_codes.city_code,
        coalesce(cities.city_name_zh, '未知') as city_name_zh,
        coalesce(cities.city_name_en, 'Unknown') as city_name_en,
        cities.province_code,
        cities.province_name_zh,
        cities.province_name_en,
        cities.city_code is not null as is_known
    from seen_codes
    left join cities
        on seen_codes.city_code = cities.city_code
    where seen_codes.city_code is not null
)

select * from final
