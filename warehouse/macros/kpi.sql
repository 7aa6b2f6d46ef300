{#- The published KPI columns computed from additive parts (counts, fen, seconds, tenths of a
    minute, KB), so every level — city x brand, city, province, all provinces — recomputes its
    ratios from its own parts and never averages ratios. `previous_users_on_net` is NULL when no
    USER snapshot of M-1 exists. -#}
{% macro kpi_columns_from_parts() -%}
        cast(users_on_net as {{ dbt.type_bigint() }}) as users_on_net,
        cast(new_users as {{ dbt.type_bigint() }}) as new_users,
        cast(churned_users as {{ dbt.type_bigint() }}) as churned_users,
        cast(new_users - churned_users as {{ dbt.type_bigint() }}) as net_adds,
        {{ divide_exact('churned_users', 'previous_users_on_net', scale=6) }} as churn_rate,
        cast(precancel_users as {{ dbt.type_bigint() }}) as precancel_users,
        cast(reentry_users as {{ dbt.type_bigint() }}) as reentry_users,
        cast(billed_users as {{ dbt.type_bigint() }}) as billed_users,
        {{ fen_to_yuan('billed_revenue_fen') }} as billed_revenue,
        {{ fen_to_yuan('late_fee_fen') }} as late_fee_revenue,
        {{ divide_exact('billed_revenue_fen', 'billed_users * 100', scale=2) }} as arpu,
        cast(calls as {{ dbt.type_bigint() }}) as calls,
        {{ seconds_to_minutes('voice_seconds') }} as voice_minutes,
        {{ tenths_to_minutes('billed_tenth_minutes') }} as billed_minutes,
        {{ divide_exact('voice_seconds', 'billed_users * 60', scale=4) }} as mou,
        {{ seconds_to_minutes('offnet_seconds') }} as offnet_minutes,
        {{ seconds_to_minutes('roam_out_seconds') }} as roam_out_minutes,
        cast(sms_sent as {{ dbt.type_bigint() }}) as sms_sent,
        {{ kb_to_mb('data_kb') }} as data_mb,
        {{ divide_exact('data_kb', 'billed_users * 1024', scale=4) }} as dou
{%- endmacro %}


{#- The additive parts summed over a grouping. -#}
{% macro kpi_parts_summed() -%}
        sum(users_on_net) as users_on_net,
        sum(new_users) as new_users,
        sum(churned_users) as churned_users,
        sum(precancel_users) as precancel_users,
        sum(reentry_users) as reentry_users,
        sum(billed_users) as billed_users,
        sum(billed_revenue_fen) as billed_revenue_fen,
        sum(late_fee_fen) as late_fee_fen,
        sum(calls) as calls,
        sum(voice_seconds) as voice_seconds,
        sum(billed_tenth_minutes) as billed_tenth_minutes,
        sum(offnet_seconds) as offnet_seconds,
        sum(roam_out_seconds) as roam_out_seconds,
        sum(sms_sent) as sms_sent,
        sum(data_kb) as data_kb
{%- endmacro %}


{#- The tenure band (在网时长) of months on net, as the segments of churn_by_segment and
    users_by_segment name it; UNKNOWN without an open date. -#}
{% macro tenure_band(tenure_months) -%}
    case
        when {{ tenure_months }} is null then 'UNKNOWN'
        when {{ tenure_months }} < 6 then '00-06m'
        when {{ tenure_months }} < 12 then '06-12m'
        when {{ tenure_months }} < 24 then '12-24m'
        when {{ tenure_months }} < 60 then '24-60m'
        else '60m+'
    end
{%- endmacro %}
