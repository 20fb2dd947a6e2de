"""Synthetic governance articles in the genre of the corpus, with ground truth, reproducible from a seed.

Names are composed from syllable pools, so the extractor meets unseen communities, streets,
enterprises and initiatives; districts come from the curated lexicon like real Chengdu news.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

DISTRICTS = ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "新都区", "温江区", "双流区", "郫都区"]
SYLLABLES = list("安宝碧长朝城春翠丹东芳枫福府光桂海禾和红华槐欢吉佳嘉锦景静菊康兰蓝乐莲林柳龙茂梅民明南宁平浦琴清庆瑞润森尚盛石书顺松泰棠桃天同童万文西溪霞祥向新星秀旭雅阳怡银迎永玉园悦云泽兆振中竹紫")  # noqa: E501 - one literal
INDUSTRY = ["科技", "餐饮", "物业服务", "文化传媒", "建设", "医药", "电子商务", "教育咨询", "环保", "食品"]
ORG_SUFFIX = ["社会工作服务中心", "志愿者协会", "公益发展中心", "养老服务中心"]
SPACE_HEAD = ["邻里中心", "党群驿站", "共享书屋", "长者食堂", "儿童之家", "文化广场", "社区客厅"]
PROJECT_HEAD = ["微更新", "邻里守望", "银龄互助", "青少年成长", "社区营造", "垃圾分类", "平安巷道", "夜间照明"]
AWARDS = ["成都市党建引领城乡社区发展治理示范社区", "四川省城乡社区治理示范社区", "全国示范性老年友好型社区", "成都市优秀社区营造案例"]
FILLER = [
    "社区坚持以居民需求为导向，通过坝坝会、入户走访、问卷调查等方式收集意见建议，推动问题在一线发现、在一线解决。",
    "围绕“一老一小”服务需求，社区整合辖区资源，完善公共服务设施，持续提升居民生活品质。",
    "在推进过程中，社区党组织充分发挥领导核心作用，党员志愿者主动亮身份、作表率，带动更多居民参与公共事务。",
    "通过议事协商，居民对楼道整治、停车管理、绿化提升等事项达成共识，小区环境焕然一新。",
    "下一步，社区将进一步健全多元参与机制，推动共建共治共享的基层治理格局不断完善。",
]
PARTNER = [("签署", "签约"), ("结对共建", "结对"), ("携手", "携手")]


@dataclass
class Truth:
    """Gold annotations of one synthetic article, in the gold README's format."""

    entities: dict[tuple[str, str], dict] = field(default_factory=dict)
    relations: list[dict] = field(default_factory=list)

    def entity(self, name: str, type_: str, kind: str | None) -> str:
        self.entities.setdefault((name, type_), {"name": name, "type": type_, "kind": kind, "aliases": []})
        return name

    def relate(self, s: str, p: str, o: str, evidence: str) -> None:
        self.relations.append({"subject": s, "predicate": p, "object": o, "evidence": evidence})

    def as_gold(self, article: str) -> dict:
        return {"article": article, "entities": list(self.entities.values()), "relations": self.relations}


class Generator:
    """Makes articles; the same seed gives the same corpus."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def _stem(self, n: int = 2) -> str:
        """A fresh name stem; grows a syllable once half of the shorter stems are taken."""
        while len(self.used) > len(SYLLABLES) ** n // 2:
            n += 1
        for _ in range(100):
            s = "".join(self.rng.choice(SYLLABLES) for _ in range(n))
            if s not in self.used:
                self.used.add(s)
                return s
        return "".join(self.rng.choice(SYLLABLES) for _ in range(n + 1))

    def article(self, index: int) -> tuple[str, dict]:
        """Text and gold of article number `index`."""
        rng, t = self.rng, Truth()
        district = rng.choice(DISTRICTS)
        street = self._stem() + "街道"
        communities = [self._stem() + "社区" for _ in range(rng.randint(1, 3))]
        company = f"四川{self._stem()}{rng.choice(INDUSTRY)}有限公司"
        social = f"成都{self._stem()}{rng.choice(ORG_SUFFIX)}"
        space = self._stem() + rng.choice(SPACE_HEAD)
        project = self._stem() + rng.choice(PROJECT_HEAD)
        compound = self._stem() + "小区"
        year = rng.randint(2018, 2024)
        award = rng.choice(AWARDS)
        c0 = communities[0]
        t.entity(district, "Area", "district")
        t.entity(street, "Area", "subdistrict")
        for c in communities:
            t.entity(c, "Community", "community")
        paras = []
        chain = f"{district}{street}{c0}"
        s1 = f"近年来，{chain}坚持党建引领，推动辖区企业、社会组织共同参与社区发展治理，居民的获得感不断增强。"
        t.relate(street, "PART_OF", district, s1)
        t.relate(c0, "PART_OF", street, s1)
        paras.append(s1)
        verb, kind = rng.choice(PARTNER)
        t.entity(company, "Organization", "enterprise")
        if kind == "签约":
            agreement = f"{self._stem()}共建协议"
            t.entity(agreement, "Initiative", "agreement")
            s2 = f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{c0}与{company}签署《{agreement}》，双方将在助老服务、环境改善等方面开展合作。"
            t.relate(c0, "RUNS", agreement, s2)
            t.relate(company, "RUNS", agreement, s2)
        elif kind == "结对":
            s2 = f"{c0}与{company}结对共建，企业党员定期走进社区开展志愿服务。"
        else:
            s2 = f"{c0}携手{company}，共同推进老旧院落改造和公共空间提升。"
        t.relate(c0, "COOPERATES_WITH", company, s2)
        paras.append(s2)
        t.entity(space, "Initiative", "space")
        s3 = f"同时，{c0}打造了“{space}”，为居民提供议事协商、文化活动和便民服务。{company}为“{space}”提供资金支持。"
        t.relate(c0, "RUNS", space, s3)
        t.relate(company, "SUPPORTS", space, s3)
        paras.append(s3)
        t.entity(social, "Organization", "social_org")
        t.entity(project, "Initiative", "project")
        s4 = f"社区还引入{social}，实施“{project}”项目，组织志愿者开展入户走访和困难帮扶。"
        t.relate(c0, "COOPERATES_WITH", social, s4)
        t.relate(c0, "RUNS", project, s4)
        paras.append(s4)
        if len(communities) > 1:
            others = "、".join(communities[1:])
            s5 = f"{street}{others}也积极探索居民自治，{communities[1]}在{compound}成立了院落议事会。"
            t.entity(compound, "Community", "compound")
            for c in communities[1:]:
                t.relate(c, "PART_OF", street, s5)
            paras.append(s5)
        s6 = f"{year}年，{c0}被评为“{award}”。"
        t.entity(award, "Award", None)
        t.relate(c0, "AWARDED", award, s6)
        paras.append(s6)
        paras[2:2] = rng.sample(FILLER, 3)
        paras.append(f"{street}有关负责人表示，下一步将持续完善共建共治共享的社区治理格局。")
        title = f"{district}{street}：{c0}共建美好家园"
        text = title + "\n\n" + "\n\n".join(paras) + "\n\n记者 " + "".join(rng.choice(SYLLABLES) for _ in range(2)) + "\n"
        return text, t.as_gold(f"syn_{index:06d}.txt")


def write_corpus(folder: Path, count: int, seed: int = 7, gold_folder: Path | None = None) -> list[Path]:
    """Write `count` articles (and their gold) to folders; returns the article paths."""
    folder.mkdir(parents=True, exist_ok=True)
    if gold_folder:
        gold_folder.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed)
    paths = []
    for i in range(count):
        text, gold = gen.article(i)
        p = folder / gold["article"]
        p.write_text(text, encoding="utf-8")
        paths.append(p)
        if gold_folder:
            (gold_folder / (gold["article"][:-4] + ".json")).write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return paths
