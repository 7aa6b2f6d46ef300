-- No de-duplication window here (unlike the low-volume interfaces): cdr_id is unique per delivery
-- and a re-delivery replaces its predecessor in the lake, and a window over every CDR would stop
-- filters on the record time from reaching the Parquet scan. The unique test on the key guards it.
with

lake_rows as (
    select * from {{ lake_source('voice') }}
),

carriers as (
    select * from {{ ref('carriers') }}
),

roam_types as (
    select * from {{ ref('roam_types') }}
),

toll_types as (
    select * from {{ ref('toll_types') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as data_date,
        cdr_id,
        user_id,
        msisdn,
        call_type,
        other_number,
        other_carrier,
        start_time,
        cast(start_time as date) as usage_date,
        {{ month_of('start_time') }} as usage_month,
        duration_s as duration_seconds,
        roam_type,
        toll_type,
        visited_city,
        cell_id,
        base_fee_fen,
        toll_fee_fen,
        roam_fee_fen,
        {{ lineage_renamed() }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.data_date,
        renamed.cdr_id,
        renamed.user_id,
        renamed.msisdn,
        renamed.call_type,
        renamed.other_number,
        renamed.other_carrier,
        carriers.carrier_name_zh as other_carrier_name_zh,
        carriers.carrier_name_en as other_carrier_name_en,
        renamed.start_time,
        renamed.usage_date,
        renamed.usage_month,
        renamed.duration_seconds,
        renamed.roam_type,
        roam_types.roam_type_name_zh,
        roam_types.roam_type_name_en,
        renamed.toll_type,
        toll_types.toll_type_name_zh,
        toll_types.toll_type_name_en,
        renamed.visited_city,
        renamed.cell_id,
        renamed.base_fee_fen,
        renamed.toll_fee_fen,
        renamed.roam_fee_fen,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join carriers
        on renamed.other_carrier = carriers.carrier
    left join roam_types
        on renamed.roam_type = roam_types.roam_type
    left join toll_types
        on renamed.toll_type = toll_types.toll_type
)

select * from final
