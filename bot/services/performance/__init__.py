"""Performance: every collected video's results over time, from TikTok's reports.

- `sources`: one provider per report (TikTok One's campaign report, the Marketing API's ad report),
  each turning TikTok's answer into daily figures per video;
- `collector`: the scheduled durable job that stores them (`storage.metrics`), every
  `METRICS_REFRESH_HOURS`;
- `seams`: what the providers need from elsewhere (a project's TikTok One campaign, its advertisers).
"""
