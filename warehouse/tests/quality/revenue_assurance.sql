-- A failing row is a user, month and usage item class whose BILL standard_fee_fen in
-- fct_bill_items differs from the fees rated on that user's CDRs of the month in the lake (by the
-- CDR's own time): LOCAL, TOLL, ROAM from VOICE base_fee_fen, toll_fee_fen, roam_fee_fen; SMS
-- from SMS fee_fen; DATA from DATA fee_fen. 0 fen tolerance; judged in months that have bills.
{%- set rated_fees = [
    ('LOCAL', 'voice', 'start_time', 'base_fee_fen'),
    ('TOLL', 'voice', 'start_time', 'toll_fee_fen'),
    ('ROAM', 'voice', 'start_time', 'roam_fee_fen'),
    ('SMS', 'sms', 'send_time', 'fee_fen'),
    ('DATA', 'data', 'start_time', 'fee_fen'),
] %}
with

bill_items as (
    select * from {{ ref('fct_bill_items') }}
),

lake_voice as (
    select * from {{ lake_source('voice') }}
),

lake_sms as (
    select * from {{ lake_source('sms') }}
),

lake_data as (
    select * from {{ lake_source('data') }}
),

rated_records as (
    {%- for item_class, iface, time_column, fee_column in rated_fees %}
    select
        _province_code as province_code,
        user_id,
        {{ month_of(time_column) }} as bill_month,
        '{{ item_class }}' as item_class,
        coalesce({{ fee_column }}, 0) as fee_fen
    from lake_{{ iface }}
    where user_id is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

rated as (
    select
        province_code,
        user_id,
        bill_month,
        item_class,
        sum(fee_fen) as rated_fen
    from rated_records
    where bill_month is not null
    group by province_code, user_id, bill_month, item_class
),

billed as (
    select
        province_code,
        user_id,
        bill_month,
        item_class,
        sum(standard_fee_fen) as billed_fen
    from bill_items
    where item_class in ('LOCAL', 'TOLL', 'ROAM', 'SMS', 'DATA')
    group by province_code, user_id, bill_month, item_class
),

bill_months as (
    select distinct
        province_code,
        bill_month
    from bill_items
),

compared as (
    select
        coalesce(rated.province_code, billed.province_code) as province_code,
        coalesce(rated.user_id, billed.user_id) as user_id,
        coalesce(rated.bill_month, billed.bill_month) as bill_month,
        coalesce(rated.item_class, billed.item_class) as item_class,
        coalesce(rated.rated_fen, 0) as rated_fen,
        coalesce(billed.billed_fen, 0) as billed_fen
    from rated
    full outer join billed
        on
            rated.province_code = billed.province_code
            and rated.user_id = billed.user_id
            and rated.bill_month = billed.bill_month
            and rated.item_class = billed.item_class
),

final as (
    select
        compared.province_code,
        compared.user_id,
        compared.bill_month,
        compared.item_class,
        compared.rated_fen,
        compared.billed_fen,
        compared.billed_fen - compared.rated_fen as difference_fen
    from compared
    inner join bill_months
        on compared.province_code = bill_months.province_code and compared.bill_month = bill_months.bill_month
    where compared.billed_fen != compared.rated_fen
)

select * from final
