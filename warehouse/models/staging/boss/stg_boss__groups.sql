with

lake_rows as (
    select * from {{ lake_source('group') }}
),

industries as (
    select * from {{ ref('industries') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        group_id,
        cust_id,
        group_name,
        industry_code,
        group_class as boss_group_class,
        city_code,
        manager_id,
        employee_count,
        cross_province,
        top500_taxpayer,
        sign_date,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'group_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.snapshot_month,
        renamed.group_id,
        renamed.cust_id,
        renamed.group_name,
        renamed.industry_code,
        industries.industry_name_zh,
        industries.industry_name_en,
        industries.class_by_industry,
        renamed.boss_group_class,
        renamed.city_code,
        renamed.manager_id,
        renamed.employee_count,
        renamed.cross_province = '1' as is_cross_province,
        renamed.top500_taxpayer = '1' as is_top500_taxpayer,
        renamed.sign_date,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join industries
        on renamed.industry_code = industries.industry_code
    where renamed.delivery_rank = 1
)

select * from final
