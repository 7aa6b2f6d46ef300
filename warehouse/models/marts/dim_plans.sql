-- One row per province and plan_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_plans.
{{ current_versions('hist_plans', ['plan_id']) }}
