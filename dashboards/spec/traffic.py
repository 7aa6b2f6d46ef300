"""话务与流量: voice, SMS and data traffic by hour, by day and by city."""

from __future__ import annotations

from dashboards.spec.kpi import KPI_CITY_BRAND
from dashboards.spec.presentation import presentation_dataset
from dashboards.spec.vocabulary import Dashboard, bars, kpi, pivot, total, trend

TRAFFIC_BY_HOUR = "traffic_by_hour"
TRAFFIC_BY_DAY = "traffic_by_day"

DATASETS = (
    presentation_dataset(
        TRAFFIC_BY_HOUR,
        (total("calls"), total("voice_minutes", ",.1f"), total("billed_minutes", ",.1f")),
    ),
    presentation_dataset(
        TRAFFIC_BY_DAY,
        (
            total("calls"),
            total("voice_minutes", ",.1f"),
            total("billed_minutes", ",.1f"),
            total("sms_sent"),
            total("data_mb", ",.1f"),
            total("active_users"),
        ),
        main_dttm="usage_date",
    ),
)

DASHBOARD = Dashboard(
    key="traffic",
    title="话务与流量",
    slug="jingfen-traffic",
    description="Voice, SMS and data traffic: calls, minutes and billed minutes by hour of day "
    "and by day; off-net and roaming-out minutes by city.",
    rows=(
        (
            kpi("tr_calls", "通话次数", KPI_CITY_BRAND, "calls"),
            kpi("tr_minutes", "通话时长(分钟)", KPI_CITY_BRAND, "voice_minutes"),
            kpi("tr_billed", "计费时长(分钟)", KPI_CITY_BRAND, "billed_minutes"),
            kpi("tr_sms", "短信条数", KPI_CITY_BRAND, "sms_sent"),
            kpi("tr_data", "流量(MB)", KPI_CITY_BRAND, "data_mb"),
            kpi("tr_offnet_share", "网外通话占比", KPI_CITY_BRAND, "offnet_share"),
        ),
        (
            bars(
                "tr_by_hour",
                "分时段话务量",
                TRAFFIC_BY_HOUR,
                ["calls", "voice_minutes", "billed_minutes"],
                x="hour_label",
                order_by="__x",
                descending=False,
                width=6,
            ),
            trend(
                "tr_by_day",
                "每日话务与流量",
                TRAFFIC_BY_DAY,
                ["voice_minutes", "sms_sent", "data_mb", "active_users"],
                x="usage_date",
                width=6,
            ),
        ),
        (
            bars(
                "tr_offnet_roam",
                "各地市网外与漫游出访时长",
                KPI_CITY_BRAND,
                ["voice_minutes", "offnet_minutes", "roam_out_minutes"],
                x="city_name",
                width=6,
            ),
            trend("tr_mou_dou", "MOU与DOU趋势", KPI_CITY_BRAND, ["mou", "dou"], width=6),
        ),
        (
            pivot(
                "tr_city_brand",
                "分地市分品牌话务(可展开)",
                KPI_CITY_BRAND,
                [
                    "calls",
                    "voice_minutes",
                    "billed_minutes",
                    "offnet_minutes",
                    "roam_out_minutes",
                    "sms_sent",
                    "data_mb",
                ],
                rows=["city_name", "brand_name"],
                width=12,
            ),
        ),
    ),
)
