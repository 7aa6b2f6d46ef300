{#- Type-2 history from full monthly snapshots. One row per key and version: a version starts at
    the first snapshot month whose tracked columns differ from the key's previous snapshot and is
    valid up to the month before the next version starts (valid_to_month NULL = still valid).
    A month in which the key is absent from the snapshot does not end a version, so the state of
    any month is "the latest snapshot at or before it". -#}
{% macro scd2_from_monthly_snapshots(snapshot_model, key_columns, tracked_columns) %}
{%- set partition_columns = ['province_code'] + key_columns -%}
{%- set partition_by = partition_columns | join(', ') -%}

with

snapshots as (
    select * from {{ ref(snapshot_model) }}
),

hashed as (
    select
        {{ partition_by }},
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        snapshot_month,
        {{ row_hash(tracked_columns) }} as state_hash
    from snapshots
),

flagged as (
    select
        *,
        case
            when lag(state_hash) over (partition by {{ partition_by }} order by snapshot_month) = state_hash
                then 0
            else 1
        end as is_version_start
    from hashed
),

numbered as (
    select
        *,
        cast(sum(is_version_start) over (
            partition by {{ partition_by }}
            order by snapshot_month
            rows between unbounded preceding and current row
        ) as integer) as version_number
    from flagged
),

summarised as (
    select
        {{ partition_by }},
        version_number,
        min(snapshot_month) as valid_from_month,
        max(snapshot_month) as last_seen_month,
        count(*) as snapshot_count
    from numbered
    group by {{ partition_by }}, version_number
),

version_starts as (
    select * from numbered
    where is_version_start = 1
),

bounded as (
    select
        {%- for column in partition_columns %}
        summarised.{{ column }},
        {%- endfor %}
        summarised.version_number,
        {%- for column in tracked_columns %}
        version_starts.{{ column }},
        {%- endfor %}
        version_starts.state_hash,
        summarised.valid_from_month,
        lead(summarised.valid_from_month) over (
            partition by {% for column in partition_columns %}summarised.{{ column }}{{ ", " if not loop.last }}{% endfor %}
            order by summarised.version_number
        ) as next_valid_from_month,
        summarised.last_seen_month,
        summarised.snapshot_count
    from summarised
    inner join version_starts
        on
        {%- for column in partition_columns %}
            summarised.{{ column }} = version_starts.{{ column }} and
        {%- endfor %}
            summarised.version_number = version_starts.version_number
),

final as (
    select
        {{ partition_by }},
        version_number,
        {%- for column in tracked_columns %}
        {{ column }},
        {%- endfor %}
        state_hash,
        valid_from_month,
        case
            when next_valid_from_month is not null
                then {{ month_add('next_valid_from_month', -1) }}
        end as valid_to_month,
        last_seen_month,
        snapshot_count,
        next_valid_from_month is null as is_current
    from bounded
)

select * from final
{% endmacro %}


{#- The join condition "version of `history_alias` valid in month `month_expr`". -#}
{% macro valid_in_month(history_alias, month_expr) -%}
    {{ history_alias }}.valid_from_month <= {{ month_expr }}
    and ({{ history_alias }}.valid_to_month is null or {{ history_alias }}.valid_to_month >= {{ month_expr }})
{%- endmacro %}


{#- A dimension from a history model: the current version of every key (`key_columns` within
    province_code) with the first and last snapshot months it appears in and its version count.
    Month-by-month states stay in the history model. -#}
{% macro current_versions(history_model, key_columns) %}
{%- set partition_columns = ['province_code'] + key_columns -%}

with

history as (
    select * from {{ ref(history_model) }}
),

spans as (
    select
        {%- for column in partition_columns %}
        {{ column }},
        {%- endfor %}
        min(valid_from_month) as first_snapshot_month,
        max(last_seen_month) as last_snapshot_month,
        count(*) as version_count
    from history
    group by {{ partition_columns | join(', ') }}
),

final as (
    select
        history.*,
        spans.first_snapshot_month,
        spans.last_snapshot_month,
        spans.version_count
    from history
    inner join spans
        on
        {%- for column in partition_columns %}
            {{ "and " if not loop.first }}history.{{ column }} = spans.{{ column }}
        {%- endfor %}
    where history.is_current
)

select * from final
{% endmacro %}
