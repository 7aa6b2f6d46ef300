-- A failing row is an account-month with negative arrears, doubtful debt or aging bucket: arrears
-- are max(0, billed - paid), never negative.
{%- set amounts = [
    'arrears_fen', 'doubtful_debt_fen', 'arrears_0_1_months_fen', 'arrears_1_3_months_fen',
    'arrears_3_6_months_fen', 'arrears_6_plus_months_fen',
] %}
with

account_months as (
    select * from {{ ref('fct_account_months') }}
),

final as (
    select
        {%- for column in amounts %}
        {{ column }},
        {%- endfor %}
        province_code,
        acct_id,
        stat_month
    from account_months
    where least({{ amounts | join(', ') }}) < 0
)

select * from final
