-- One row per province and acct_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_accounts.
{{ current_versions('hist_accounts', ['acct_id']) }}
