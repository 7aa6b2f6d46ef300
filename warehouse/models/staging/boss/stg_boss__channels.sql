with

lake_rows as (
    select * from {{ lake_source('channel') }}
),

channel_types as (
    select * from {{ ref('channel_types') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as snapshot_month,
        channel_id,
        channel_name,
        channel_type,
        city_code,
        {{ lineage_renamed() }},
        {{ delivery_rank(['_data_date', 'channel_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.snapshot_month,
        renamed.channel_id,
        renamed.channel_name,
        renamed.channel_type,
        channel_types.channel_type_name_zh,
        channel_types.channel_type_name_en,
        renamed.city_code,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join channel_types
        on renamed.channel_type = channel_types.channel_type
    where renamed.delivery_rank = 1
)

select * from final
