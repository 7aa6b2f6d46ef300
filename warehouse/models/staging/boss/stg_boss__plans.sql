with

lake_rows as (
    select * from {{ lake_source('plan') }}
),

brands as (
    select * from {{ ref('brands') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        plan_id,
        plan_name,
        brand,
        monthly_fee_fen,
        free_voice_min as free_voice_minutes,
        free_data_mb,
        free_sms as free_sms_count,
        eff_date,
        exp_date,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'plan_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.snapshot_month,
        renamed.plan_id,
        renamed.plan_name,
        renamed.brand,
        brands.brand_name_zh,
        brands.brand_name_en,
        renamed.monthly_fee_fen,
        renamed.free_voice_minutes,
        renamed.free_data_mb,
        renamed.free_sms_count,
        renamed.eff_date,
        renamed.exp_date,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join brands
        on renamed.brand = brands.brand
    where renamed.delivery_rank = 1
)

select * from final
