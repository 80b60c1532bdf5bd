"""A small labelled Chinese corpus and query set for relevance tests (precision@5).

Documents are what a 互助群 actually holds: deals, guides, questions, answers, chat lines. Each
query lists the documents a member asking it would want; everything else counts as a miss.
Distractors share characters or one word with the queries on purpose (纸尿裤 vs 纸巾, 提高数据…).
"""

from __future__ import annotations

# key: (kind, subkind, title, body)
DOCS: dict[str, tuple[str, str, str, str]] = {
    "tissue_deal": (
        "resource",
        "deal",
        "维达抽纸3层130抽24包",
        "拼多多百亿补贴29.9元，原价45，纸巾囤货好时机",
    ),
    "tissue_q": ("aid_request", "question", "哪个牌子的纸巾不掉屑？", "家里宝宝用，求推荐抽纸"),
    "tissue_a": (
        "aid_answer",
        "answer",
        "哪个牌子的纸巾不掉屑？",
        "清风原木纸巾不掉屑，我家一直用",
    ),
    "tissue_chat": ("chat_message", "message", "", "今天超市纸巾第二件半价，大家可以去看看"),
    "wetwipe": ("resource", "deal", "婴儿湿巾80抽10包", "手口专用湿巾，京东自营19.9"),
    "diaper": ("resource", "deal", "花王纸尿裤L码", "纸尿裤拼团价89元，宝妈必囤"),
    "gaoshu_notes": (
        "resource",
        "study",
        "高数上册复习笔记",
        "考研高数重点整理，含极限、导数、积分",
    ),
    "gaoshu_q": ("aid_request", "question", "高数怎么复习比较快？", "还有三个月考研，高数基础很差"),
    "gaoshu_a": ("aid_answer", "answer", "高数怎么复习比较快？", "先刷一遍同济高数课本，再做660题"),
    "gaoshu_book": (
        "resource",
        "study",
        "高等数学教材推荐",
        "同济版高等数学第七版，配合张宇高数十八讲",
    ),
    "data_quality": (
        "resource",
        "experience",
        "提高数据质量的五个方法",
        "工作中做数据分析要先清洗数据",
    ),
    "english_notes": ("resource", "study", "考研英语作文模板", "大作文小作文万能句型整理"),
    "english_q": ("aid_request", "question", "考研英语真题做几遍？", "英语一真题从哪年开始做"),
    "iphone_case": ("resource", "deal", "iPhone15手机壳", "透明防摔手机壳9.9包邮"),
    "iphone_film": ("resource", "deal", "iPhone15钢化膜", "全屏覆盖钢化膜两片装12.8元"),
    "huawei_case": ("resource", "deal", "华为Mate60手机壳", "素皮手机壳拼团价15元"),
    "iphone_q": ("aid_request", "question", "iPhone 15 电池老化怎么办", "用了一年电池健康度89%"),
    "rent_guide": ("resource", "guide", "租房避坑指南", "签合同前看房产证，押一付三要写清楚水电费"),
    "rent_q": ("aid_request", "question", "租房合同要注意什么？", "第一次在上海租房，怕被中介坑"),
    "rent_a": ("aid_answer", "answer", "租房合同要注意什么？", "合同里写明押金退还条件和维修责任"),
    "interview": (
        "resource",
        "experience",
        "产品经理面试经验",
        "二面问了很多数据分析和用户调研的问题",
    ),
    "resume_q": ("aid_request", "question", "简历怎么写项目经历？", "应届生没有实习经历"),
    "resume_a": ("aid_answer", "answer", "简历怎么写项目经历？", "用STAR法则写项目经历，量化结果"),
    "dumpling": ("resource", "tip", "煮饺子不破皮的小技巧", "水开后加一勺盐，点三次冷水"),
    "rice_cooker": ("resource", "tip", "电饭煲做蛋糕", "鸡蛋四个，低筋面粉六十克"),
    "milk_powder": ("resource", "deal", "飞鹤奶粉3段", "天猫旗舰店满减后198元一罐"),
    "milk_q": ("aid_request", "question", "奶粉哪里买正品？", "怕买到假奶粉"),
    "kid_park": ("chat_message", "message", "", "周末带娃去植物园，门票半价"),
    "kid_q": ("aid_request", "question", "周末带娃去哪玩？", "孩子三岁，北京周边"),
    "takeout": ("resource", "deal", "美团外卖红包", "每天可领满30减12外卖红包"),
    "pdd_group": ("aid_request", "groupbuy", "拼团：洗衣液2瓶装", "还差1人成团，蓝月亮洗衣液"),
    "detergent": ("resource", "deal", "蓝月亮洗衣液促销", "洗衣液3公斤装39.9"),
    "ielts": ("resource", "study", "雅思口语题库2026", "雅思口语Part2新题整理"),
    "commute": ("chat_message", "message", "", "地铁通勤太挤了，大家几点出门"),
    "overtime": (
        "resource",
        "experience",
        "加班费怎么算",
        "工作日加班1.5倍，周末2倍，法定节假日3倍",
    ),
    "gym": ("resource", "tip", "在家健身计划", "每天二十分钟跳绳加俯卧撑"),
}

# query → the documents that answer it
QUERIES: dict[str, set[str]] = {
    "纸巾": {"tissue_deal", "tissue_q", "tissue_a", "tissue_chat"},
    "高数": {"gaoshu_notes", "gaoshu_q", "gaoshu_a", "gaoshu_book"},
    "高数笔记": {"gaoshu_notes"},
    "考研英语": {"english_notes", "english_q"},
    "iphone15 手机壳": {"iphone_case"},
    "iPhone 15": {"iphone_case", "iphone_film", "iphone_q"},
    "手机壳": {"iphone_case", "huawei_case"},
    "租房合同": {"rent_guide", "rent_q", "rent_a"},
    "简历": {"resume_q", "resume_a"},
    "奶粉": {"milk_powder", "milk_q"},
    "带娃": {"kid_park", "kid_q"},
    "洗衣液": {"pdd_group", "detergent"},
    "湿巾": {"wetwipe"},
    "加班费": {"overtime"},
    "饺子": {"dumpling"},
    "雅思": {"ielts"},
    # Harder, sentence-like queries: no document contains them literally.
    "考研数学怎么复习": {"gaoshu_q", "gaoshu_a", "gaoshu_notes", "gaoshu_book"},
    "宝宝用什么纸巾好": {"tissue_q", "tissue_a", "tissue_deal", "wetwipe"},
    "面试简历经验": {"interview", "resume_q", "resume_a"},
    "便宜的外卖红包": {"takeout"},
}
