-- One row per province and plan_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_plans.
with

history as (
    select * from {{ ref('hist_plans') }}
),

spans as (
    select
        province_code,
        plan_id,
        min(valid_from_month) as first_snapshot_month,
        max(last_seen_month) as last_snapshot_month,
        count(*) as version_count
    from history
    group by province_code, plan_id
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
            history.province_code = spans.province_code
            and history.plan_id = spans.plan_id
    where history.is_current
)

select * from final
