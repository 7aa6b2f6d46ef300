with

lake_rows as (
    select * from {{ lake_source('user') }}
),

brands as (
    select * from {{ ref('brands') }}
),

user_statuses as (
    select * from {{ ref('user_statuses') }}
),

cities as (
    select * from {{ ref('cities') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        user_id,
        cust_id,
        msisdn,
        brand,
        plan_id,
        pay_mode,
        open_date,
        user_status,
        status_date,
        channel_id,
        city_code,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'user_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.snapshot_month,
        renamed.user_id,
        renamed.cust_id,
        renamed.msisdn,
        renamed.brand,
        brands.brand_name_zh,
        brands.brand_name_en,
        renamed.plan_id,
        renamed.pay_mode,
        renamed.open_date,
        renamed.user_status,
        user_statuses.user_status_name_zh,
        user_statuses.user_status_name_en,
        coalesce(renamed.user_status, '') != 'CANCEL' as is_on_net,
        renamed.status_date,
        renamed.channel_id,
        renamed.city_code,
        cities.city_name_zh,
        cities.city_name_en,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join brands
        on renamed.brand = brands.brand
    left join user_statuses
        on renamed.user_status = user_statuses.user_status
    left join cities
        on renamed.city_code = cities.city_code
    where renamed.delivery_rank = 1
)

select * from final
