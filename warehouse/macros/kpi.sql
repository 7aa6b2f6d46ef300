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


{#- A user-month's contribution to each additive part (1 or 0 for a flag; its fen, seconds, tenths
    of a minute and KB), read from `relation` (fct_user_months' columns) and summed by
    kpi_parts_summed(). -#}
{% macro kpi_parts_of_user_month(relation) -%}
        case when {{ relation }}.is_on_net then 1 else 0 end as users_on_net,
        case when {{ relation }}.is_new then 1 else 0 end as new_users,
        case when {{ relation }}.is_churned then 1 else 0 end as churned_users,
        case when {{ relation }}.is_precancelled then 1 else 0 end as precancel_users,
        case when {{ relation }}.is_reentry then 1 else 0 end as reentry_users,
        case when {{ relation }}.is_billed then 1 else 0 end as billed_users,
        {{ relation }}.billed_revenue_fen,
        {{ relation }}.late_fee_fen,
        {{ relation }}.calls,
        {{ relation }}.voice_seconds,
        {{ relation }}.billed_tenth_minutes,
        {{ relation }}.offnet_seconds,
        {{ relation }}.roam_out_seconds,
        {{ relation }}.sms_sent,
        {{ relation }}.data_kb
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


{#- The join condition "tenure band `band` (a row of the tenure_bands seed) holds `tenure_months`":
    from min_months (inclusive) to max_months (exclusive, none for the last band); the band without
    bounds (UNKNOWN) holds a user without an open date. A negative tenure (an open date after M)
    counts as 0 months. -#}
{% macro in_tenure_band(band, tenure_months) -%}
    {%- set months = 'case when ' ~ tenure_months ~ ' < 0 then 0 else ' ~ tenure_months ~ ' end' -%}
    (
        ({{ tenure_months }} is null and {{ band }}.min_months is null)
        or (
            {{ months }} >= {{ band }}.min_months
            and ({{ band }}.max_months is null or {{ months }} < {{ band }}.max_months)
        )
    )
{%- endmacro %}
