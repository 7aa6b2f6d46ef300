-- One row per province and cust_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_customers.
{{ current_versions('hist_customers', ['cust_id']) }}
