-- One row per province and user_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_users.
{{ current_versions('hist_users', ['user_id']) }}
