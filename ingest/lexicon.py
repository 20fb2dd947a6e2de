"""Lexicons for rule-based extraction: administrative divisions, name suffixes, trigger words.

Every type and kind named here is checked against the ontology when the module loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ontology import ONTOLOGY

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class AreaEntry:
    """One administrative division of the curated lexicon."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    parent: str


@lru_cache(maxsize=1)
def area_lexicon() -> dict[str, AreaEntry]:
    """Surface form → AreaEntry for every curated area and alias."""
    forms: dict[str, AreaEntry] = {}
    for line in (DATA / "areas.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, kind, aliases, parent = (line.split("\t") + ["", "", ""])[:4]
        entry = AreaEntry(name, ONTOLOGY.check_kind("Area", kind), tuple(a for a in aliases.split("|") if a), parent)
        for form in (name, *entry.aliases):
            forms.setdefault(form, entry)
    return forms


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Country names marking a foreign body."""
    lines = (DATA / "countries.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


# ---- name suffixes: (suffix, type, kind). Longest suffix wins.
_SUFFIXES: list[tuple[str, str, str | None]] = [
    # Areas (区/市/县/省 are only trusted through the lexicon or a place-name token)
    ("街道", "Area", "subdistrict"), ("镇", "Area", "subdistrict"), ("乡", "Area", "subdistrict"),
    # Communities
    ("社区", "Community", "community"), ("村", "Community", "community"),
    ("小区", "Community", "compound"), ("院落", "Community", "compound"), ("苑", "Community", "compound"),
    ("花园", "Community", "compound"), ("家园小区", "Community", "compound"),
    # Organizations
    ("党委", "Organization", "party"), ("党工委", "Organization", "party"), ("党支部", "Organization", "party"),
    ("党总支", "Organization", "party"), ("党组", "Organization", "party"), ("党建联盟", "Organization", "party"),
("省委", "Organization", "party"), ("市委", "Organization", "party"),
    ("区委", "Organization", "party"), ("县委", "Organization", "party"), ("团委", "Organization", "party"),
    ("办事处", "Organization", "government"), ("人民政府", "Organization", "government"),
    ("政府", "Organization", "government"), ("办公室", "Organization", "government"),
    ("领导小组", "Organization", "government"), ("总队", "Organization", "government"),
    ("支队", "Organization", "government"), ("派出所", "Organization", "government"),
    ("公安局", "Organization", "government"), ("民政局", "Organization", "government"),
    ("法院", "Organization", "government"), ("检察院", "Organization", "government"),
    ("社治委", "Organization", "government"), ("管委会", "Organization", "government"),
    ("公司", "Organization", "enterprise"), ("集团", "Organization", "enterprise"),
    ("银行", "Organization", "enterprise"), ("酒店", "Organization", "enterprise"),
    ("物业", "Organization", "enterprise"), ("食品", "Organization", "enterprise"),
    ("数码", "Organization", "enterprise"), ("科技", "Organization", "enterprise"),
    ("药业", "Organization", "enterprise"), ("置业", "Organization", "enterprise"),
    ("实业", "Organization", "enterprise"), ("超市", "Organization", "enterprise"),
    ("商场", "Organization", "enterprise"), ("传媒", "Organization", "enterprise"),
    ("协会", "Organization", "social_org"), ("促进会", "Organization", "social_org"),
    ("商会", "Organization", "social_org"), ("联合会", "Organization", "social_org"),
    ("服务中心", "Organization", "social_org"), ("发展中心", "Organization", "social_org"), ("促进中心", "Organization", "social_org"),
    ("志愿服务队", "Organization", "social_org"),
    ("志愿者协会", "Organization", "social_org"), ("志愿队", "Organization", "social_org"),
    ("服务队", "Organization", "social_org"), ("合作社", "Organization", "social_org"),
    ("艺术团", "Organization", "social_org"), ("研究会", "Organization", "social_org"),
    ("社工站", "Organization", "social_org"), ("工作室", "Organization", "social_org"),
    ("学校", "Organization", "public_institution"), ("小学", "Organization", "public_institution"),
    ("中学", "Organization", "public_institution"), ("大学", "Organization", "public_institution"),
    ("学院", "Organization", "public_institution"), ("幼儿园", "Organization", "public_institution"),
    ("文化馆", "Organization", "public_institution"), ("图书馆", "Organization", "public_institution"),
    ("医院", "Organization", "public_institution"), ("卫生院", "Organization", "public_institution"),
    ("分校", "Organization", "public_institution"), ("研究院", "Organization", "public_institution"),
    ("研究所", "Organization", "public_institution"), ("规划院", "Organization", "public_institution"),
    ("居委会", "Organization", "self_governance"), ("居民委员会", "Organization", "self_governance"),
    ("村委会", "Organization", "self_governance"), ("业委会", "Organization", "self_governance"),
    ("业主委员会", "Organization", "self_governance"), ("街长委员会", "Organization", "self_governance"),
    ("院委会", "Organization", "self_governance"), ("自治委员会", "Organization", "self_governance"),
    ("治理委员会", "Organization", "self_governance"), ("议事会", "Organization", "self_governance"),
    ("基金会", "Organization", "foundation"), ("基金", "Organization", "foundation"),
    # Initiatives
    ("工作法", "Initiative", "work_method"), ("工作机制", "Initiative", "work_method"),
    ("机制", "Initiative", "work_method"), ("制度", "Initiative", "work_method"),
    ("街长制", "Initiative", "work_method"), ("楼长制", "Initiative", "work_method"),
    ("工程", "Initiative", "project"), ("项目", "Initiative", "project"), ("计划", "Initiative", "project"),
    ("行动", "Initiative", "project"), ("营造师团队", "Initiative", "project"),
    ("中心", "Initiative", "space"), ("驿站", "Initiative", "space"), ("食堂", "Initiative", "space"),
    ("书屋", "Initiative", "space"), ("书吧", "Initiative", "space"), ("公园", "Initiative", "space"),
    ("广场", "Initiative", "space"), ("长廊", "Initiative", "space"), ("庭院", "Initiative", "space"),
    ("客厅", "Initiative", "space"), ("格格屋", "Initiative", "space"), ("博物馆", "Initiative", "space"),
    ("创意园", "Initiative", "space"), ("党校", "Initiative", "space"), ("服务站", "Initiative", "space"),
    ("邻里中心", "Initiative", "space"), ("之家", "Initiative", "space"), ("书院", "Initiative", "space"),
    ("茶馆", "Initiative", "platform"), ("平台", "Initiative", "platform"), ("系统", "Initiative", "platform"),
    ("智库", "Initiative", "platform"), ("资源库", "Initiative", "platform"),
    ("讨论会", "Initiative", "activity"), ("论坛", "Initiative", "activity"), ("大家谈", "Initiative", "activity"),
    ("文化节", "Initiative", "activity"), ("艺术节", "Initiative", "activity"), ("大赛", "Initiative", "activity"),
    ("推介会", "Initiative", "activity"), ("运动会", "Initiative", "activity"), ("集市", "Initiative", "activity"),
    ("协议", "Initiative", "agreement"), ("规划", "Initiative", "plan"), ("方案", "Initiative", "plan"),
]

for _s, _t, _k in _SUFFIXES:
    ONTOLOGY.check_type(_t)
    ONTOLOGY.check_kind(_t, _k)

SUFFIXES: dict[str, tuple[str, str | None]] = {s: (t, k) for s, t, k in _SUFFIXES}
MAX_SUFFIX = max(map(len, SUFFIXES))

# Area/Community suffix tokens that end an administrative unit in an address chain.
UNIT_END_TOKENS = frozenset({"省", "市", "区", "县", "新区", "街道", "镇", "乡", "社区", "村", "小区"})

# Words after a quoted name that give its kind but are not part of the name: “X”工作机制.
CATEGORY_WORDS: dict[str, tuple[str, str | None]] = {
    "工作机制": ("Initiative", "work_method"), "机制": ("Initiative", "work_method"),
    "工作法": ("Initiative", "work_method"), "模式": ("Initiative", "work_method"),
    "套餐式模式": ("Initiative", "work_method"), "工作模式": ("Initiative", "work_method"),
    "制度": ("Initiative", "work_method"), "治理模式": ("Initiative", "work_method"),
    "品牌项目": ("Initiative", "project"), "项目": ("Initiative", "project"), "工程": ("Initiative", "project"),
    "服务项目": ("Initiative", "service"), "特色项目": ("Initiative", "project"),
    "示范社区建设项目": ("Initiative", "project"), "建设项目": ("Initiative", "project"),
    "行动": ("Initiative", "project"), "计划": ("Initiative", "project"),
    "项目机会清单": ("Initiative", "project"),
    "品牌": ("Initiative", "brand"), "党群服务品牌": ("Initiative", "brand"), "服务品牌": ("Initiative", "brand"),
    "党建品牌": ("Initiative", "brand"), "治理品牌": ("Initiative", "brand"),
    "活动": ("Initiative", "activity"), "系列活动": ("Initiative", "activity"), "主题活动": ("Initiative", "activity"),
    "主题党建": ("Initiative", "activity"), "主题": ("Initiative", "activity"),
    "平台": ("Initiative", "platform"), "服务平台": ("Initiative", "platform"),
    "服务": ("Initiative", "service"), "志愿服务": ("Initiative", "service"),
    "站点": ("Initiative", "space"), "主题站点": ("Initiative", "space"), "独立主题站点": ("Initiative", "space"),
    "场景": ("Initiative", "space"), "大场景": ("Initiative", "space"), "空间": ("Initiative", "space"),
    "阵地": ("Initiative", "space"),
}
CATEGORY_RE = re.compile(
    r"^(?:[0-9０-９一二三四五六七八九十两]+(?:个|大|项|处)?)?(?:等)?(?:[^，。；、“”]{0,4}?)("
    + "|".join(sorted(map(re.escape, CATEGORY_WORDS), key=len, reverse=True))
    + ")"
)

# “X——“Y””: the head noun before the dash types the quoted name.
APPOSITIVE_HEADS: dict[str, tuple[str, str | None]] = {
    "共同体": ("Organization", "self_governance"), "自治组织": ("Organization", "self_governance"),
    "联盟": ("Organization", "party"), "社会组织": ("Organization", "social_org"), "协会": ("Organization", "social_org"),
    "平台": ("Initiative", "platform"), "书屋": ("Initiative", "space"), "空间": ("Initiative", "space"),
    "阵地": ("Initiative", "space"), "品牌": ("Initiative", "brand"), "项目": ("Initiative", "project"),
    "活动": ("Initiative", "activity"), "机制": ("Initiative", "work_method"), "服务": ("Initiative", "service"),
}

# Verbs that make the subject run/build an initiative.
RUN_VERBS = (
    "打造", "构建", "建设", "建成", "建立", "实施", "开展", "推出", "推行", "创新", "成立", "举办", "组建",
    "发布", "形成", "创设", "探索", "培育", "启动", "共筑", "搭建", "营造", "设立", "开设", "开通", "上线",
    "建起", "打造了", "探索出", "创建", "组织", "开辟", "布局", "依托", "运营", "推进", "策划", "筹建",
    "孵化", "升级", "新建", "创办", "开发", "举行", "主办", "通过实施",
)
SUPPORT_VERBS = ("资助", "赞助", "捐赠", "捐助", "冠名", "协办", "支持", "助力", "运用到", "提供", "承接", "参与")
AWARD_VERBS = ("被评为", "被命名为", "被授予", "评为", "荣获", "获评", "获得", "获", "入选", "成为", "授予", "列为", "跻身", "荣膺", "摘得", "命名为", "被列为")
FOUND_VERBS = ("成立", "建立", "组建", "设立", "成立了", "建立了", "组建了")
PARTNER_TRIGGERS: dict[str, str] = {
    "共建": "共建", "联建": "联建", "结对": "结对", "携手": "携手", "牵手": "携手", "签约": "签约",
    "签署": "签约", "签订": "签约", "引入": "引入", "引进": "引入", "联合": "联合", "捐赠": "捐赠",
    "资助": "捐赠", "捐助": "捐赠", "合作": "合作", "引导": "引入", "邀请": "引入", "诚邀": "引入",
}
for _k in set(PARTNER_TRIGGERS.values()):
    ONTOLOGY.check_kind("Partnership", _k)
# Triggers where one side brings in or funds the other: pairs are subject × object, not all pairs.
DIRECTED_TRIGGERS = frozenset({"引入", "引进", "引导", "邀请", "诚邀", "捐赠", "资助", "捐助"})
PARTNER_RE = re.compile("|".join(sorted(PARTNER_TRIGGERS, key=len, reverse=True)))

# Context around a quoted string that marks a slogan or principle, not a named initiative.
SLOGAN_BEFORE = ("坚持", "秉承", "树立", "践行", "围绕", "按照", "本着", "贯彻", "遵循", "牢固树立", "实现", "变", "为", "让", "做到")
SLOGAN_AFTER = ("理念", "原则", "思路", "导向", "目标", "精神", "为理念", "为目标", "为主线", "的理念", "的思路",
                "的原则", "的方式", "方式", "功夫", "作用", "格局", "的发展理念", "发展理念", "要求", "的要求",
                "为抓手", "的新路径", "新路径", "路径", "的工作路径", "工作路径", "体系", "治理体系", "答卷", "密码")
AWARD_SUFFIXES = (
    "示范社区", "示范小区", "示范点", "示范单位", "示范街道", "示范村", "优秀案例", "典型案例", "先进基层党组织",
    "先进集体", "先进单位", "一等奖", "二等奖", "三等奖", "特等奖", "优秀奖", "金奖", "银奖", "铜奖", "称号",
    "新场景", "服务场景", "消费新场景", "标兵", "文明单位", "文明社区", "文明小区", "五好", "红旗", "好活动",
    "示范基地", "优秀社区", "品牌", "十佳", "百佳", "荣誉", "奖",
)
AWARD_RE = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, AWARD_SUFFIXES), key=len, reverse=True)) + ")$"
    + r"|(?:示范|先进|优秀|文明|友好|模范|星级|十佳|百强|标杆|明星)[\u4e00-\u9fff]{0,8}(?:社区|小区|街道|村|单位|集体|院落|家庭|组织)$"
)

# Words that carry no name on their own: a name made only of them is a generic mention.
GENERIC = frozenset(
    """社区 街道 小区 院落 辖区 该 本 各 全 每 这 此 其 全市 全省 全区 全国 基层 城乡 城市 党群 党员 居民 群众
    服务 中心 党委 党组织 联合 区域 两新 企业 单位 社会 组织 志愿者 志愿 队伍 委员会 办公室 政府 街道办
    社区党委 社区党组织 党支部 党总支 公共 活动 空间 文化 体育 卫生 健康 综合 新 老 大 小 一个 多个 有关 相关
    发展 治理 建设 管理 工作 示范 阵地 广场 公园 花园 共享 公益 民生 便民 家门口 亲民 楼宇 商圈 园区 街区
    物业 物业服务 业主 住宅 商业 老旧 院坝 村民 农村 乡村 城镇 上级 领导 中共 人民 属地 驻地 驻区 国家级 市级 区级
    省级 全体 项目 机制 平台 工程 行动 计划 站点 场景 载体 资源 品质 特色 创新 美好 幸福 生活 和谐 平安 智慧 数字
    网格 网格化 议事 协商 自治 共治 共建 共享 引领 党建 指导 孵化 培训 教育 学习 协会 个 家 支 名 处
    重点 共同 总体 联席会议 联席 会议 整体 全面 全新 首个 一批 多元 主体 治理体系 基层治理 社会治理 居民自治 服务型
    改造 提升 居家 养老 关爱 儿童 老年 青少年 妇女 残疾人 困难 特殊 群体 人群 精准 专业 专业化 规范化 标准化 现代化
    运营 功能 设施 具体 共创 共享 院落 美丽 宜居 文明 星级 品质 高品质 医疗 政务 便民服务 综合体 就业 互联网 一贯制 部分 整个 良好 这是 一种 各项 多项 这些 那些 有关 我们 大家 场所 场地 周边 附近 内部 外部 门口 楼栋 单元 片区 城区 新城 老城 主题 品牌 独立 共建共治共享""".split()
)

# jieba POS tags that end a name when scanning left (verbs, prepositions, conjunctions, particles...).
BOUNDARY_TAGS = ("v", "p", "c", "u", "d", "r", "y", "e", "m", "q", "f", "t", "ad", "vd", "ul", "uj", "z")
QUOTED_ONLY_SUFFIXES = frozenset({"机制", "制度", "工作机制", "行动", "计划", "方案", "规划", "系统"})
PLACE_BOUNDARY_WORDS = frozenset(
    """助推 服务 走进 深入 扎根 下沉 进入 覆盖 联系 包括 回到 融入 建设 治理 发展 调研 来到 前往 走访 入驻 进驻 辐射 带动
    全体 整个 所在 部分 周边 各个 多个 每个 构筑 打造 建设成 做靓 做优 做强 美丽 宜居 和谐 幸福 文明 其他 其它 相关 示范 试点 先进 优秀 城乡 国际化 农村 老旧 商品房 安置""".split()
)
NON_NAME_TOKENS = frozenset({"城乡", "乡村", "家乡", "城镇", "农村", "新农村", "进社区", "入社区", "到社区", "下乡", "进村", "老乡"})
NAME_VERBS = frozenset(
    """治理 发展 服务 创业 培训 领导 管理 建设 协调 调解 指导 创新 交互 激励 养老 运动 阅读 议事 协商 调研 学习 讨论
    关爱 互助 共享 共建 共治 融合 孵化 营造 志愿 救助 帮扶 托管 助老 助残 就业 消费 更新 改造 引领 联动 监督 评议 矛调
    调处 化解 应急 安全 巡逻 宣传 推广 展示 体验 交流 合作 促进 提升 美化 照亮 回家 许愿 直播 签约 推介""".split()
)
NAMEABLE_OVERRIDES = frozenset({"首创", "新", "美", "和美", "阳光", "保和", "和欣", "华阳", "红星"})
BOUNDARY_WORDS = frozenset(
    """在 的 了 和 与 及 是 被 把 将 对 从 向 由 为 以 让 使 等 及其 或 并 还 也 都 又 已 已经 正 正在 积极 全力 大力
    进一步 不断 持续 通过 依托 借助 利用 围绕 聚焦 坚持 按照 结合 针对 带动 推动 推进 打造 建成 建设 建立 成立 组建
    引入 引进 开展 实施 构建 形成 探索 发挥 整合 引导 签署 签约 携手 结对 共建 联建 捐赠 资助 提供 支持 助力 获得
    荣获 获评 评为 成为 入选 启动 推出 设立 开设 创建 创设 搭建 营造 培育 凝聚 走进 来到 位于 地处 邀请 诚邀 牵头 主办
    承办 协办 指导 公布 发布 授予 表彰 命名 认定 举办 实现 打造了 建立了 成立了 组织 参与 联合 近年来 目前 如今 同时
    此外 其中 包括 以及 通过 据悉 今年 去年 近日 日前 当天 记者 了解 介绍 表示 说 看到 作为 位 于 至 到 向 同 跟 给 比如
    例如 整个 充分 加大 构筑 做靓 全靠 依靠 靠 有 要 会 能 可 去 来 叫 这是 那是 就是 也是 都是 首个 首家 一家 一批 多家 各类 各种 所有 新建 新投用 投用 改造 提升 升级 完善 健全 创新 深化 强化 优化 拓展""".split()
)
ADVERBIAL_OPENERS = re.compile(r"^(?:同时|此外|目前|如今|近年来|近日|日前|为此|另外|与此同时|截至目前|随后|接下来|其中|并且|而且|还|也|已|今年|去年|[0-9]{4}年[^，]{0,6})[，,]?")
YEAR_RE = re.compile(r"((?:19|20)[0-9]{2})年")
