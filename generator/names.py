"""Chinese name parts for customers, groups and channels.

Every character here is GBK-encodable, so any file may be delivered in GBK.
"""

from __future__ import annotations

SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
GIVEN_CHARS = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏飞斌宇浩凯健俊帆帅旭宁"
    "欣怡梓涵子轩雨晨一诺思彤佳琪浩然博文嘉慧晓东海燕志强春梅秋菊国庆建华振宇晨曦婷婷"
)

_COMPANY_WORD_PAIRS = (
    "华信恒达宏远中天金桥东方世纪天诚瑞丰永盛汇通鼎盛嘉禾海纳联创"
    "锦程智远卓越博雅安泰富民兴业长城明珠星辰万象和谐正泰景明同创"
)
COMPANY_WORDS = tuple(_COMPANY_WORD_PAIRS[i : i + 2] for i in range(0, len(_COMPANY_WORD_PAIRS), 2))

# Industry → how its units are usually called, so group names read like real ones.
INDUSTRY_SUFFIXES = {
    "GOV": "市人民政府办公室",
    "MILITARY": "警备区后勤部",
    "MEDIA": "日报社",
    "TELECOM": "通信工程有限公司",
    "POSTAL": "邮政分公司",
    "BANK": "银行分行",
    "POWER": "供电公司",
    "WATER": "自来水有限公司",
    "GAS": "燃气有限公司",
    "HIGHWAY": "高速公路管理处",
    "AIRPORT": "机场集团有限公司",
    "RAILWAY": "铁路客运段",
    "SECURITIES": "证券营业部",
    "INSURANCE": "保险分公司",
    "MANUFACTURING": "制造有限公司",
    "RETAIL": "商贸有限公司",
    "EDUCATION": "中学",
    "HEALTH": "人民医院",
    "OTHER": "服务有限公司",
}
