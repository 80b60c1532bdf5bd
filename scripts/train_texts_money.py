"""Normal training texts about money in everyday life: deposits, refunds, transfers between family
and friends, invoices and reimbursements, loans, credit cards, insurance, savings, fees, honest
part-time work, and members warning each other about scams.

Written for Huzhu (same licence as the project) because the model held or blocked such ordinary
chatter as scam: a tenant's advice about the deposit (押金), "定金付了，尾款…" in a group-buy group, a
reimbursement question with 发票, a loan or insurance question. Scams use the same words but ask
the reader to act (click, add a contact, pay first, move money to a "safe account"); these texts
report, ask or advise. The lines are new — not the dev set's nor the other template files' — and
every slot has many fillers so the model learns the vocabulary around the money words rather than
a few phrases. ``train_texts.generate`` appends ``generate_money(seed)``.
"""

from __future__ import annotations

import random
import re

# fmt: off
M: dict[str, list[str]] = {
    "who": ["我", "我妈", "我爸", "我老公", "我老婆", "我姐", "我哥", "我弟", "我妹", "室友", "同事",
            "邻居", "闺蜜", "我朋友", "我婆婆", "我表姐", "孩子他爸", "我舅舅"],
    "family": ["我妈", "我爸", "爸妈", "我姐", "我弟", "奶奶", "外婆", "孩子", "我老公", "我老婆", "室友",
               "同学", "同事"],
    "money": ["两百", "三百块", "五十", "一千", "八百", "一百二", "六十八", "三千", "两千五", "四十",
              "九十九", "一万", "五百", "一百五", "二十"],
    "days": ["三天", "一周", "半个月", "五个工作日", "两天", "十天", "一个月", "当天", "第二天"],
    "shop": ["淘宝", "京东", "拼多多", "天猫", "美团", "抖音商城", "闲鱼", "唯品会", "盒马", "山姆",
             "小区超市", "菜市场", "快递站旁边的店"],
    "goods": ["羽绒服", "电饭煲", "婴儿车", "空调", "洗衣机", "运动鞋", "书包", "台灯", "床垫",
              "奶粉", "纸尿裤", "手机壳", "行李箱", "蓝牙耳机", "冰箱", "窗帘", "沙发"],
    "fee": ["物业费", "停车费", "学费", "伙食费", "班费", "水电费", "燃气费", "宽带费", "话费",
            "保险费", "培训班学费", "兴趣班的费用", "校服费", "体检费", "报名费", "年费", "会员费"],
    "pay": ["微信", "支付宝", "银行卡", "云闪付", "现金", "手机银行", "对公转账"],
    "bank": ["工行", "建行", "农行", "中行", "招行", "交行", "邮储", "本地农商行", "银行"],
    "doc": ["身份证", "户口本", "结婚证", "房产证", "劳动合同", "收入证明", "银行流水", "社保缴费记录",
            "学生证", "租房合同", "发票原件", "诊断证明"],
    "place": ["营业厅", "银行柜台", "社保局", "税务局", "公积金中心", "街道办", "政务大厅", "物业",
              "居委会", "医院收费处"],
    "insure": ["医疗险", "重疾险", "意外险", "车险", "百万医疗", "惠民保", "少儿险", "养老保险"],
    "invest": ["定期", "国债", "货币基金", "指数基金", "大额存单", "理财产品", "养老金账户", "零钱通"],
    "job": ["家教", "超市理货", "奶茶店", "快递分拣", "图书馆助理", "商场导购", "餐厅服务员",
            "校内勤工俭学", "发传单", "展会翻译"],
    "scamname": ["刷单返利", "冒充客服退款", "中奖领奖", "注销校园贷", "安全账户", "投资理财群",
                 "网络兼职刷单", "冒充领导借钱", "快递理赔", "低息贷款", "游戏账号交易", "代办信用卡"],
    "lost": ["三千", "两万", "八百", "五千", "一万二", "六百"],
    "time": ["今天", "昨天", "上周", "前天", "刚才", "这个月", "上个月", "早上"],
    "cert": ["驾照", "教资", "会计证", "四六级", "普通话证", "健康证", "护士证"],
    "house": ["房子", "一室一厅", "合租的单间", "两室", "公寓", "学区房", "老小区的房子"],
}
# fmt: on

# Each template reports, asks or advises; none asks the reader to pay, click or add a contact.
TEMPLATES: list[str] = [
    # deposits, down payments, balances
    "租{house}的押金是两个月房租，退租时{who}把屋子打扫干净才退回来。",
    "房东说押金要等验房后{days}内退，合同里写了吗？",
    "退租前把墙面和家电拍照，押金扣不扣就有凭证了。",
    "{goods}的定金付过了，尾款下周{pay}付。",
    "预售的{goods}付了定金，尾款记得按时付，不然定金不退。",
    "双十二的定金我付了两单，尾款开始时间要看清楚。",
    "装修公司说先交三成首付款，验收合格后付尾款，这样正常吗？",
    "订婚宴的酒店要交订金，{who}说最好写进合同。",
    "驾校报名交了{money}，剩下的考完科目二再交。",
    "租车要交{money}押金，还车后{days}原路退。",
    "共享充电宝的押金我早就退了，现在都免押金了。",
    # refunds and returns
    "{shop}买的{goods}有质量问题，申请退款，商家{days}就同意了。",
    "{goods}尺码不合适，走了七天无理由退货，运费险赔了运费。",
    "退款显示已到账，钱原路回到了{pay}里。",
    "{shop}的仅退款申请通过了，东西让我自己处理。",
    "外卖漏送了一样，商家给我退了{money}块。",
    "{goods}降价了，找客服申请了保价，退了差价。",
    "退货的快递员上门取件，不用自己跑快递站。",
    "在官方app里申请售后比打电话快，我{time}刚弄好。",
    # transfers among people one knows
    "{family}让我帮忙交{fee}，我用{pay}直接交了。",
    "{who}生日，我给{family}转了{money}买蛋糕。",
    "房租我们三个人平摊，每个月月底转给签合同的室友。",
    "聚餐AA，一人{money}，已经在群里收款了。",
    "借{family}的{money}今天还了，{pay}转的。",
    "过年给{family}发了个红包，{money}块，图个吉利。",
    "孩子的{fee}交了{money}，老师在班级群里发了收据。",
    "团长，{goods}的钱我{pay}付给你了，麻烦查收。",
    "拼团的钱付了，等团长统一下单。",
    "{family}不会用手机交{fee}，每次都是我帮着交。",
    # invoices, reimbursement, tax, social insurance
    "公司报销要发票，{shop}下单时记得勾选开发票，填单位抬头和税号。",
    "电子发票开好了，直接下载发给财务就行。",
    "出差的车票和酒店发票都要留好，月底一起报销。",
    "个税app里填专项附加扣除，房租和子女教育都能抵一部分。",
    "今年个税汇算我退了{money}块，大家记得去看看。",
    "社保断缴一个月会影响什么，有懂的吗？",
    "灵活就业的社保可以在{place}办，也能在app上交。",
    "医保报销要带{doc}和费用清单去{place}。",
    "住院押金出院结算时多退少补，记得要结算单。",
    # loans, mortgages, credit
    "房贷利率降了，我们在考虑要不要提前还一部分。",
    "公积金贷款比商贷利息低，就是额度有上限。",
    "去{bank}办房贷，需要准备{doc}和{doc}。",
    "信用卡账单日和还款日别搞混，{who}上次晚了一天被收了利息。",
    "花呗分期的手续费其实不低，算下来年化挺高的。",
    "信用卡不用了记得销卡，有的卡有年费。",
    "车贷还剩一年，{who}想一次性还清。",
    "助学贷款毕业后开始还本金，利息在校期间是国家贴的。",
    "征信报告可以在{bank}的app上免费查，一年两次。",
    "{who}的信用卡额度提了，但我劝他别多刷。",
    # insurance
    "给孩子买了{insure}，看病可以报销一部分。",
    "{insure}的理赔要准备{doc}，材料齐了{days}就到账了。",
    "买{insure}之前先看等待期和免责条款。",
    "车险快到期了，今年续保比去年便宜了一点。",
    "{family}住院花了不少，{insure}报了大部分。",
    # savings and investing
    "工资一到账我先转一部分到{invest}，强制存钱。",
    "{invest}的收益又降了，不过胜在稳。",
    "{who}说{invest}比活期划算，我还在研究。",
    "年终奖打算存{invest}，不碰高风险的东西。",
    "基金亏了一点，不看就不难受了哈哈。",
    "给孩子开了个储蓄账户，压岁钱都存进去。",
    # salary, fees, bills
    "这个月工资晚发了两天，房租只能晚点交了。",
    "年终奖到账了，先还了信用卡。",
    "{fee}涨价了，一年多交{money}。",
    "{fee}可以在{pay}上交，不用跑{place}了。",
    "考{cert}的报名费{money}，在官网交就行。",
    "{place}说补办{doc}要交十块钱工本费。",
    "宽带到期了，营业厅说续费送一个月。",
    # honest part-time work and job hunting
    "周末在{job}打工，时薪二十五，下班就结。",
    "{who}暑假做{job}，一个月攒了两千。",
    "学校的勤工俭学岗位要先在系统里申请。",
    "找工作遇到让先交培训费、服装费的，基本都不靠谱，别去。",
    "正规公司入职不会收押金，{who}面试时被要求交钱就走了。",
    "兼职{job}要签协议吗？还是口头说好就行？",
    # second-hand and group buying
    "闲鱼卖{goods}，买家确认收货后钱才到账，平台担保放心。",
    "二手{goods}当面交易，验货没问题再付款。",
    "群里收的二手{goods}很新，已经把钱转给宝妈了。",
    "团购的{goods}到了，钱已经付给团长，谢谢团长。",
    "这个{goods}拼团价比单买便宜{money}，还差两个人。",
    # warnings: members telling each other about scams
    "{time}{who}接到电话说是{scamname}，幸亏{who}没信，直接挂了。",
    "{scamname}都是骗局，大家千万别信，{who}被骗了{lost}。",
    "提醒一下，{scamname}是最近很多的诈骗，官方不会让你先转钱。",
    "有人冒充群主私聊借钱，大家别理，已经举报了。",
    "凡是让你把钱转到所谓安全账户的，都是诈骗，直接报警。",
    "收到{scamname}的短信别点里面的链接，删掉就好。",
    "{who}差点被{scamname}骗了，还好银行打电话来提醒。",
    "社区民警来讲了防诈骗，说{scamname}最常见，要告诉家里老人。",
    "国家反诈中心app装一下，能提醒诈骗电话。",
    "自称客服说要给你退款、让你开屏幕共享的，一定是骗子。",
    "网上说零投入日赚几百的兼职都不可信，我试过，要你先垫钱。",
    "中奖要先交手续费的，百分百是骗人的。",
    "{who}的账号被盗了，在群里借钱的不是本人，别转！",
]

# The same money words in scams: each asks the reader to act — pay first, move money, let someone
# "close" or "cancel" a service, lend an account — so the model keeps those cues as scam.
SCAM_TEMPLATES: list[str] = [
    "您的{svc}即将自动扣费{fee_amt}元/月，如不关闭将持续扣费，请配合客服操作关闭。",
    "您开通的{svc}会每月扣费，需要我们帮你关闭，请按提示在{pay}里操作。",
    "帮忙走一下流水，用你的{pay}收款再转出，一次给你{pct}个点。",
    "出借{pay}收款码帮我们收款，每天提成{money}，安全靠谱。",
    "您的{svc}存在异常，请将资金转入安全账户核验，核验后原路退回。",
    "退款需要先验证银行卡，请开启屏幕共享，按客服指引输入验证码。",
    "您的贷款已审批通过，需先交{money}解冻费，到账后一并返还。",
    "提现失败，账户被冻结，需缴纳{money}保证金解冻，解冻后全部退还。",
    "理赔款{money}已到账待领取，先支付手续费即可提现。",
    "免押金、免征信，先交{money}会员费，当天放款{loan}。",
    "刷单返佣，先垫付{money}，完成任务返本金加{pct}%佣金。",
    "充值{money}送{money}，平台返利稳赚不赔，拉人再奖励。",
]

# fmt: off
M["svc"] = ["百万保障", "直播会员", "借呗", "学生贷账户", "视频会员", "金融服务", "信用支付",
            "快递理赔服务", "会员自动续费"]
M["fee_amt"] = ["699", "399", "299", "599", "888"]
M["pct"] = ["两", "三", "五", "十"]
M["loan"] = ["五万", "十万", "三万", "二十万"]
# fmt: on

_SLOT = re.compile(r"\{(\w+)\}")


def _fill(rng: random.Random, template: str) -> str:
    return _SLOT.sub(lambda m: rng.choice(M[m.group(1)]), template)


def _vary(rng: random.Random, text: str) -> str:
    """Small surface changes people make: no final punctuation, spaces for commas, a particle."""
    r = rng.random()
    if r < 0.2:
        text = text.rstrip("。！？")
    elif r < 0.3:
        text = text.replace("，", " ")
    elif r < 0.4:
        text = text.rstrip("。") + rng.choice(["哈", "呢", "啊", "~", "！"])
    return text


def generate_money(seed: int = 20261125) -> list[tuple[str, str]]:
    """(label, text) pairs about money: everyday matters (normal) and the scams that borrow their
    words. Deterministic for a seed."""
    rng = random.Random(seed + 7)
    rows: list[tuple[str, str]] = []
    for template in TEMPLATES:
        copies = 10 if "{" in template else 4
        rows += [("normal", _vary(rng, _fill(rng, template))) for _ in range(copies)]
    for template in SCAM_TEMPLATES:
        rows += [("scam", _vary(rng, _fill(rng, template))) for _ in range(10)]
    return rows
