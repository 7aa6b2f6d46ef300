-- One row per province and group_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_groups.
{{ current_versions('hist_groups', ['group_id']) }}
