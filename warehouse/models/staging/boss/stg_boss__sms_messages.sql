-- No de-duplication window here (unlike the low-volume interfaces): cdr_id is unique per delivery
-- and a re-delivery replaces its predecessor in the lake, and a window over every CDR would stop
-- filters on the record time from reaching the Parquet scan. The unique test on the key guards it.
with

lake_rows as (
    select * from {{ lake_source('sms') }}
),

carriers as (
    select * from {{ ref('carriers') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as data_date,
        cdr_id,
        user_id,
        msisdn,
        direction,
        other_number,
        other_carrier,
        send_time,
        cast(send_time as date) as usage_date,
        {{ month_of('send_time') }} as usage_month,
        sms_type,
        fee_fen,
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
        renamed.direction,
        case renamed.direction when 'MO' then '发送' when 'MT' then '接收' end as direction_name_zh,
        case renamed.direction when 'MO' then 'Sent' when 'MT' then 'Received' end as direction_name_en,
        renamed.other_number,
        renamed.other_carrier,
        carriers.carrier_name_zh as other_carrier_name_zh,
        carriers.carrier_name_en as other_carrier_name_en,
        renamed.send_time,
        renamed.usage_date,
        renamed.usage_month,
        renamed.sms_type,
        renamed.fee_fen,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join carriers
        on renamed.other_carrier = carriers.carrier
)

select * from final
