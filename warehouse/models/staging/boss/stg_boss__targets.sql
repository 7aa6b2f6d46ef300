-- TARGET (考核目标), the planning department's yearly plan: one row per province_code x
-- plan_year x plan_month ('00' = the whole year) x city_code ('ALL' = the province) x
-- indicator_code. A revised plan is a re-delivery that replaces the earlier file in the lake; of
-- split files of one year the latest load wins.
with

lake_rows as (
    select * from {{ lake_source('target') }}
),

renamed as (
    select
        _province_code as province_code,
        year as plan_year,
        month as plan_month,
        city_code,
        indicator as indicator_code,
        target_value,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'year', 'month', 'city_code', 'indicator']) }}
    from lake_rows
),

final as (
    select
        province_code,
        plan_year,
        plan_month,
        city_code,
        indicator_code,
        target_value,
        source_file_name,
        source_line_no,
        loaded_at
    from renamed
    where delivery_rank = 1
)

select * from final
