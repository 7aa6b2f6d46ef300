-- Published: one row per stat_month, province_code and pay_channel with any collection
-- (PAYMENT records other than WRITEOFF, in the month of their pay_time, reversals netted).
with

payments as (
    select * from {{ ref('fct_payments') }}
),

summed as (
    select
        pay_month as stat_month,
        province_code,
        pay_channel,
        max(pay_channel_name_zh) as pay_channel_name_zh,
        max(pay_channel_name_en) as pay_channel_name_en,
        sum(amount_fen) as collected_fen,
        count(*) as payment_count
    from payments
    where not is_writeoff and pay_month is not null
    group by pay_month, province_code, pay_channel
),

final as (
    select
        cast(stat_month as {{ dbt.type_string() }}) as stat_month,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(pay_channel as {{ dbt.type_string() }}) as pay_channel,
        {{ fen_to_yuan('collected_fen') }} as collected,
        cast(pay_channel_name_zh as {{ dbt.type_string() }}) as pay_channel_name_zh,
        cast(pay_channel_name_en as {{ dbt.type_string() }}) as pay_channel_name_en,
        cast(payment_count as {{ dbt.type_bigint() }}) as payment_count
    from summed
)

select * from final
