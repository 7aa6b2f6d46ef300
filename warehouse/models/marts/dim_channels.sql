-- One row per province and channel_id: the current state (latest snapshot version) with the first
-- and last snapshot months it appears in. Month-by-month states live in history.hist_channels.
{{ current_versions('hist_channels', ['channel_id']) }}
