with

lake_rows as (
    select * from {{ lake_source('payment') }}
),

pay_types as (
    select * from {{ ref('pay_types') }}
),

channel_types as (
    select * from {{ ref('channel_types') }}
),

renamed as (
    select
        _province_code as province_code,
        _data_date as data_date,
        payment_id,
        acct_id,
        pay_time,
        cast(pay_time as date) as pay_date,
        {{ month_of('pay_time') }} as pay_month,
        amount_fen,
        pay_channel,
        pay_type,
        ref_payment_id,
        staff_id,
        {{ lineage_renamed() }},
        {{ delivery_rank(['payment_id']) }}
    from lake_rows
),

final as (
    select
        renamed.province_code,
        renamed.data_date,
        renamed.payment_id,
        renamed.acct_id,
        renamed.pay_time,
        renamed.pay_date,
        renamed.pay_month,
        renamed.amount_fen,
        renamed.amount_fen < 0 as is_reversal,
        renamed.pay_channel,
        channel_types.channel_type_name_zh as pay_channel_name_zh,
        channel_types.channel_type_name_en as pay_channel_name_en,
        renamed.pay_type,
        pay_types.pay_type_name_zh,
        pay_types.pay_type_name_en,
        coalesce(renamed.pay_type, '') = 'WRITEOFF' as is_writeoff,
        renamed.ref_payment_id,
        renamed.staff_id,
        renamed.source_file_name,
        renamed.source_line_no,
        renamed.loaded_at
    from renamed
    left join pay_types
        on renamed.pay_type = pay_types.pay_type
    left join channel_types
        on renamed.pay_channel = channel_types.channel_type
    where renamed.delivery_rank = 1
)

select * from final
